/** What the inference service builds and checks from a loaded pack before a worker call. */
import { ConsoleError } from '../../contract'
import type { LoadedPack } from './pack-loader'

/** A frame's map, by model, session and frame: the worker's resident maps and the service's sizes. */
export function mapKey(pack: LoadedPack, sessionId: string, frameIndex: number): string {
  return `${pack.modelId}/${sessionId}/${frameIndex}`
}

/** K vectors of the model's dim as one row-major block, checked. */
export function headInput(pack: LoadedPack, vectors: Float32Array[], bias: Float32Array | null | undefined) {
  const dim = pack.manifest.image.embeddingDim
  const count = vectors.length
  if (count === 0) throw new ConsoleError('invalid_input', 'A head needs at least one vector.')
  const flat = new Float32Array(count * dim)
  vectors.forEach((v, k) => {
    if (v.length !== dim)
      throw new ConsoleError('invalid_input', `Vector ${k} has ${v.length} values; the model's embeddings have ${dim}.`)
    flat.set(v, k * dim)
  })
  if (bias && bias.length !== count)
    throw new ConsoleError('invalid_input', `bias has ${bias.length} values for ${count} vectors.`)
  return { vectors: flat, count, bias: bias ?? null }
}

/** The pack's text encoder, or why there is none. */
export function textTower(pack: LoadedPack) {
  if (!pack.text)
    throw new ConsoleError(
      'unsupported',
      `Model pack "${pack.entry.id}" has no text encoder (no "text" block in its model.json).`,
    )
  return pack.text
}

/** Dot product (cosine of unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}
