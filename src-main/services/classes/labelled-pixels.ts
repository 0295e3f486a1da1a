/**
 * Training samples from labels: each output pixel of the embedding grid whose camera-pixel block
 * holds labels takes the block's majority label and the pixel's embedding. Samples per frame are
 * cached by mask revision and model, so a retrain after one stroke re-reads only that frame.
 */
import { ConsoleError } from '../../contract'
import type { EmbeddingMap, EmbeddingProvider } from '../ports'
import type { LabelMask } from './label-store'

export interface PixelSamples {
  dim: number
  /** n rows of `dim`, L2-normalised. */
  embeddings: Float32Array
  /** 0-based class per row. */
  labels: Uint16Array
}

/** Majority label (value − 1) per output pixel, or −1 where the block has no label. */
export function outputPixelLabels(mask: LabelMask, outWidth: number, outHeight: number): Int32Array {
  const out = new Int32Array(outWidth * outHeight).fill(-1)
  const scaleX = mask.width / outWidth
  const scaleY = mask.height / outHeight
  const votes = new Map<number, number>()
  for (let oy = 0; oy < outHeight; oy++) {
    const y0 = Math.floor(oy * scaleY)
    const y1 = Math.max(y0 + 1, Math.floor((oy + 1) * scaleY))
    for (let ox = 0; ox < outWidth; ox++) {
      const x0 = Math.floor(ox * scaleX)
      const x1 = Math.max(x0 + 1, Math.floor((ox + 1) * scaleX))
      votes.clear()
      let best = 0
      let bestCount = 0
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const v = mask.data[y * mask.width + x] as number
          if (v === 0) continue
          const count = (votes.get(v) ?? 0) + 1
          votes.set(v, count)
          if (count > bestCount) {
            best = v
            bestCount = count
          }
        }
      }
      if (bestCount > 0) out[oy * outWidth + ox] = best - 1
    }
  }
  return out
}

export function samplesFromFrame(mask: LabelMask, map: EmbeddingMap): PixelSamples {
  const perPixel = outputPixelLabels(mask, map.width, map.height)
  let n = 0
  for (const k of perPixel) if (k >= 0) n++
  const embeddings = new Float32Array(n * map.dim)
  const labels = new Uint16Array(n)
  let row = 0
  perPixel.forEach((k, p) => {
    if (k < 0) return
    embeddings.set(map.data.subarray(p * map.dim, (p + 1) * map.dim), row * map.dim)
    labels[row++] = k
  })
  return { dim: map.dim, embeddings, labels }
}

export function concatSamples(parts: PixelSamples[], dim: number): PixelSamples {
  const n = parts.reduce((sum, p) => sum + p.labels.length, 0)
  const embeddings = new Float32Array(n * dim)
  const labels = new Uint16Array(n)
  let offset = 0
  for (const part of parts) {
    embeddings.set(part.embeddings, offset * dim)
    labels.set(part.labels, offset)
    offset += part.labels.length
  }
  return { dim, embeddings, labels }
}

export interface LabelledFrameRef {
  sessionId: string
  frameIndex: number
  revision: number
  mask: () => Promise<LabelMask | null>
}

export class LabelledPixelCache {
  private readonly cache = new Map<string, PixelSamples>()

  constructor(private readonly embeddings: EmbeddingProvider) {}

  async gather(
    classSetId: string,
    frames: LabelledFrameRef[],
    signal: AbortSignal,
    onFrame?: (done: number) => void,
  ): Promise<PixelSamples> {
    const modelId = this.embeddings.activeModelId() ?? ''
    const live = new Set<string>()
    const parts: PixelSamples[] = []
    for (const [i, frame] of frames.entries()) {
      signal.throwIfAborted()
      const key = `${modelId}\n${classSetId}\n${frame.sessionId}\n${frame.frameIndex}\n${frame.revision}`
      live.add(key)
      let samples = this.cache.get(key)
      if (!samples) {
        const mask = await frame.mask()
        if (!mask) continue
        const map = await this.embeddings.frameEmbeddings(frame.sessionId, frame.frameIndex, signal)
        samples = samplesFromFrame(mask, map)
        this.cache.set(key, samples)
      }
      parts.push(samples)
      onFrame?.(i + 1)
    }
    // Older revisions of these frames will not be asked for again.
    for (const key of this.cache.keys())
      if (key.startsWith(`${modelId}\n${classSetId}\n`) && !live.has(key)) this.cache.delete(key)
    const dim = parts.find((p) => p.labels.length > 0)?.dim ?? 0
    if (parts.some((p) => p.labels.length > 0 && p.dim !== dim))
      throw new ConsoleError('internal', 'Labelled frames gave embeddings of different dimensions.')
    return concatSamples(parts, dim)
  }
}
