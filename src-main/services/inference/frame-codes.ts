/**
 * The compact per-frame cache tier: each pixel's embedding as k int8 coefficients on a per-model
 * orthonormal basis (k bytes instead of 2·D for fp16: 32 vs 1536 at D = 768), so that the cache
 * keeps up with the model's frame rate on a Jetson.
 *
 * The basis is fitted once per model on the first frames' maps: the principal directions of the
 * map's pixels (the PCA the 3D map fits for its voxel codes, `mapping/pca-basis.ts`) plus the mean
 * direction, orthonormalised. Only a pixel's direction matters (maps are L2-normalised), so codes
 * are the coefficients scaled to a unit code vector: code = round(127 · Bx / ‖Bx‖). No
 * normalisation of the D-wide map is needed before the projection, and a decoded map is
 * Bᵀ(code / ‖code‖): unit length, with no division either.
 *
 * Encoding runs as nodes appended to the model's own graph (`graphAdditionBytes`), reading its
 * channel-major output directly (no transpose of the D×h×w tensor): on a GPU provider everything
 * runs on the GPU and only h·w·k values cross to the CPU; on the CPU it is one MatMul.
 */
import { fitPcaBasis } from '../mapping/pca-basis'
import {
  elemFloat,
  elemInt64,
  elemInt8,
  graphAdditionBytes,
  intAttribute,
  intsAttribute,
  modelBytes,
  node,
  tensorBytes,
  tensorInfo,
} from './onnx-proto'

export interface FrameBasis {
  dim: number
  /** k rows of `dim`, orthonormal. */
  rows: Float32Array
  components: number
}

export const codesNames = { codes: 'dve_frame_codes', codesIn: 'codes', map: 'map' } as const

/** 32 components: the accuracy figures in docs/BENCHMARKS.md; 32 bytes per pixel. */
export const defaultComponents = 32

/** `maps`: L2-normalised HWC maps of the model's first frames. */
export function fitFrameBasis(
  maps: ReadonlyArray<{ data: Float32Array }>,
  dim: number,
  components = defaultComponents,
): FrameBasis {
  const pixelsPer = maps.map((m) => m.data.length / dim)
  const total = pixelsPer.reduce((a, b) => a + b, 0)
  const row = (i: number, out: Float32Array) => {
    let m = 0
    let index = i
    while (index >= (pixelsPer[m] as number)) index -= pixelsPer[m++] as number
    out.set((maps[m] as { data: Float32Array }).data.subarray(index * dim, (index + 1) * dim))
  }
  const pca = fitPcaBasis(total, dim, components - 1, row)
  const rows = new Float32Array(components * dim)
  rows.set(pca.mean)
  rows.set(pca.basis, dim)
  return { dim, rows: orthonormalRows(rows, dim, components), components }
}

/** Modified Gram–Schmidt on rows; a row in the span of the earlier ones becomes zero. */
function orthonormalRows(rows: Float32Array, dim: number, count: number): Float32Array {
  const out = Float64Array.from(rows)
  for (let j = 0; j < count; j++) {
    const r = out.subarray(j * dim, (j + 1) * dim)
    for (let p = 0; p < j; p++) {
      const q = out.subarray(p * dim, (p + 1) * dim)
      let dot = 0
      for (let d = 0; d < dim; d++) dot += r[d]! * q[d]!
      for (let d = 0; d < dim; d++) r[d]! -= dot * q[d]!
    }
    let norm = 0
    for (let d = 0; d < dim; d++) norm += r[d]! ** 2
    const scale = norm > 1e-10 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) r[d]! *= scale
  }
  return Float32Array.from(out)
}

/**
 * Nodes appended to a model whose output `raw` is [1, D, h, w]: average-pool by `factor` (stride-1
 * models), then codes [h·w, k] as int8 in −127…127: a quarter of the bytes to hand over, no JS
 * conversion.
 */
export function codesGraphAddition(basis: FrameBasis, raw: string, factor: number): Uint8Array {
  const { dim, components: k } = basis
  const name = (s: string) => `dve_codes_${s}`
  const pool =
    factor > 1
      ? [
          node(
            'AveragePool',
            [raw],
            [name('pooled')],
            [intsAttribute('kernel_shape', [factor, factor]), intsAttribute('strides', [factor, factor])],
          ),
        ]
      : []
  const nodes = [
    ...pool,
    node('Reshape', [factor > 1 ? name('pooled') : raw, name('shape')], [name('x')]), // [D, h·w], channel-major as the model wrote it
    node('MatMul', [name('basis'), name('x')], [name('kp')]), // [k, h·w]
    node('Transpose', [name('kp')], [name('pk')], [intsAttribute('perm', [1, 0])]), // [h·w, k]
    node('Mul', [name('pk'), name('pk')], [name('sq')]),
    node('MatMul', [name('sq'), name('ones')], [name('sumsq')]), // [h·w, 1]
    node('Sqrt', [name('sumsq')], [name('norm')]),
    node('Max', [name('norm'), name('tiny')], [name('safe')]), // a zero vector stays zero
    node('Div', [name('levels'), name('safe')], [name('gain')]),
    node('Mul', [name('pk'), name('gain')], [name('scaled')]),
    node('Round', [name('scaled')], [name('rounded')]),
    node('Cast', [name('rounded')], [codesNames.codes], [intAttribute('to', elemInt8)]),
  ]
  const initializers = [
    tensorBytes(name('shape'), elemInt64, [2], BigInt64Array.from([BigInt(dim), -1n])),
    tensorBytes(name('basis'), elemFloat, [k, dim], basis.rows),
    tensorBytes(name('ones'), elemFloat, [k, 1], new Float32Array(k).fill(1)),
    tensorBytes(name('tiny'), elemFloat, [], Float32Array.of(1e-20)),
    tensorBytes(name('levels'), elemFloat, [], Float32Array.of(127)),
  ]
  return graphAdditionBytes(nodes, initializers, [tensorInfo(codesNames.codes, elemInt8, ['P', k])])
}

/** The model with the encoder appended, as one ONNX. */
export function modelWithCodes(model: Uint8Array, basis: FrameBasis, raw: string, factor: number): Uint8Array {
  const addition = codesGraphAddition(basis, raw, factor)
  const whole = new Uint8Array(model.byteLength + addition.byteLength)
  whole.set(model)
  whole.set(addition, model.byteLength)
  return whole
}

/** codes [P, k] (float32 integers, each row scaled to unit length) → map [P, D] = Bᵀ codes, unit length. */
export function decodeGraphBytes(basis: FrameBasis): Uint8Array {
  const { dim, components: k } = basis
  return modelBytes(
    'dve_frame_decode',
    [node('MatMul', [codesNames.codesIn, 'basis'], [codesNames.map])],
    [tensorInfo(codesNames.codesIn, elemFloat, ['P', k])],
    [tensorInfo(codesNames.map, elemFloat, ['P', dim])],
    [tensorBytes('basis', elemFloat, [k, dim], basis.rows)],
  )
}

/** Codes → the decode graph's input: each row divided by its length (so the decoded row is unit length). */
export function unitCodeRows(codes: Int8Array, components: number): Float32Array {
  const out = new Float32Array(codes.length)
  for (let o = 0; o < codes.length; o += components) {
    let sum = 0
    for (let j = 0; j < components; j++) sum += codes[o + j]! ** 2
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0
    for (let j = 0; j < components; j++) out[o + j] = codes[o + j]! * inv
  }
  return out
}

/** Basis file: "DVEB", version, dim, k, then k·dim float32. */
export function encodeBasis(basis: FrameBasis): Uint8Array {
  const bytes = new Uint8Array(16 + basis.rows.byteLength)
  const view = new DataView(bytes.buffer)
  ;[0x42455644, 1, basis.dim, basis.components].forEach((v, i) => view.setUint32(i * 4, v, true))
  bytes.set(new Uint8Array(basis.rows.buffer, basis.rows.byteOffset, basis.rows.byteLength), 16)
  return bytes
}

export function decodeBasis(bytes: Uint8Array): FrameBasis | string {
  if (bytes.byteLength < 16) return 'shorter than its header'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const [magic, version, dim, components] = [0, 1, 2, 3].map((i) => view.getUint32(i * 4, true)) as [
    number,
    number,
    number,
    number,
  ]
  if (magic !== 0x42455644 || version !== 1) return 'not a version-1 frame basis'
  if (bytes.byteLength !== 16 + dim * components * 4)
    return `holds ${bytes.byteLength} bytes; ${16 + dim * components * 4} expected for ${components}×${dim}`
  const rows = new Float32Array(dim * components)
  new Uint8Array(rows.buffer).set(bytes.subarray(16))
  return { dim, components, rows }
}
