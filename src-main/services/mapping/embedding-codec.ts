/**
 * Compact voxel embeddings: each voxel's L2-normalised mean embedding is stored as k int8 PCA
 * coefficients with one float32 scale (k + 4 bytes instead of 4·dim). Cosines against a query are
 * computed in the code space: q·e ≈ q·μ + (Bq)·c, divided by the reconstruction's norm, which is
 * precomputed per voxel once when the map is loaded.
 */
import type { PcaBasis } from './pca-basis'
import { heapArrays, type ArrayMaker } from './snapshot-arrays'
import { quantiseQuery, type Int8DotScanner } from './int8-dot-scanner'

export interface EmbeddingCodes {
  pca: PcaBasis
  /** count × k int8 coefficients. */
  codes: Int8Array
  /** Per voxel: coefficient = code × scale. */
  scales: Float32Array
}

export function encodeEmbeddings(
  count: number,
  pca: PcaBasis,
  row: (i: number, out: Float32Array) => void,
  arrays: ArrayMaker = heapArrays,
): EmbeddingCodes {
  const { dim, components: k, mean } = pca
  const codes = arrays.make(Int8Array, count * k)
  const scales = arrays.make(Float32Array, count)
  const vector = new Float32Array(dim)
  const coefficients = new Float32Array(k)
  for (let i = 0; i < count; i++) {
    row(i, vector)
    for (let d = 0; d < dim; d++) vector[d]! -= mean[d]!
    projectInto(pca, vector, 0, coefficients)
    scales[i] = quantiseCode(coefficients, codes, i * k)
  }
  return { pca, codes, scales }
}

/** One voxel's k coefficients as int8 codes at `codes[offset…]` with one scale (returned): coefficient ≈ code × scale. */
export function quantiseCode(coefficients: Float32Array, codes: Int8Array, offset: number): number {
  let largest = 0
  for (const c of coefficients) largest = Math.max(largest, Math.abs(c))
  const scale = largest / 127 || 1
  for (let j = 0; j < coefficients.length; j++) codes[offset + j] = Math.round(coefficients[j]! / scale)
  return scale
}

/** Writes voxel i's reconstructed (not re-normalised) embedding into `out`. */
export function decodeEmbedding(codes: EmbeddingCodes, i: number, out: Float32Array): void {
  const { dim, components: k, mean, basis } = codes.pca
  out.set(mean)
  const scale = codes.scales[i]!
  for (let j = 0; j < k; j++) {
    const c = codes.codes[i * k + j]! * scale
    if (c === 0) continue
    const offset = j * dim
    for (let d = 0; d < dim; d++) out[d]! += c * basis[offset + d]!
  }
}

/** Norm of every voxel's reconstruction, from the code alone (B is orthonormal). */
export function reconstructionNorms(codes: EmbeddingCodes): Float32Array {
  const { components: k } = codes.pca
  const meanProjection = project(codes.pca, codes.pca.mean)
  let meanSq = 0
  for (const v of codes.pca.mean) meanSq += v * v
  const count = codes.scales.length
  const norms = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    let cross = 0
    let self = 0
    for (let j = 0; j < k; j++) {
      const c = codes.codes[i * k + j]!
      cross += c * meanProjection[j]!
      self += c * c
    }
    const s = codes.scales[i]!
    norms[i] = Math.sqrt(Math.max(1e-12, meanSq + 2 * s * cross + s * s * self))
  }
  return norms
}

/** Bᵀ-side projection: the k coefficients of a dim-vector. */
export function project(pca: PcaBasis, vector: Float32Array): Float32Array {
  const out = new Float32Array(pca.components)
  projectInto(pca, vector, 0, out)
  return out
}

/**
 * out[j] = Σ_d basis[j·dim + d] · vector[offset + d], four rows at a time: one add chain per row,
 * each load of the vector shared by the four. One row at a time (one dependent chain) made a live
 * map's projection of a frame (4 800 pixels × 64 × 256) take 155 ms of the fusion thread; this takes 57.
 * Each row still sums in order of d, so the results are the same.
 */
export function projectInto(
  pca: PcaBasis,
  vector: Float32Array,
  offset: number,
  out: Float32Array | Float64Array,
): void {
  const { dim, components: k, basis } = pca
  let j = 0
  for (; j + 4 <= k; j += 4) {
    const r0 = j * dim
    const r1 = r0 + dim
    const r2 = r1 + dim
    const r3 = r2 + dim
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let d = 0; d < dim; d++) {
      const e = vector[offset + d]!
      s0 += basis[r0 + d]! * e
      s1 += basis[r1 + d]! * e
      s2 += basis[r2 + d]! * e
      s3 += basis[r3 + d]! * e
    }
    out[j] = s0
    out[j + 1] = s1
    out[j + 2] = s2
    out[j + 3] = s3
  }
  for (; j < k; j++) {
    const row = j * dim
    let sum = 0
    for (let d = 0; d < dim; d++) sum += basis[row + d]! * vector[offset + d]!
    out[j] = sum
  }
}

/**
 * Cosine of every voxel against an L2-normalised query; with a scanner (the codes in WebAssembly
 * memory) the dot products run in SIMD on an int16 copy of the projected query.
 */
export function codeCosines(
  codes: EmbeddingCodes,
  norms: Float32Array,
  query: Float32Array,
  out: Float32Array = new Float32Array(norms.length),
  scanner: Int8DotScanner | null = null,
): Float32Array {
  const k = codes.pca.components
  const { projected, queryMean } = queryTerms(codes.pca, query)
  const scales = codes.scales
  if (scanner) {
    const { ints, fromInt } = quantiseQuery(projected)
    const dots = scanner.dot(ints)
    for (let i = 0; i < norms.length; i++) out[i] = (queryMean + scales[i]! * dots[i]! * fromInt) / norms[i]!
    return out
  }
  // Scalar fallback where WebAssembly SIMD is missing.
  const code = codes.codes
  const k4 = k - (k % 4)
  for (let i = 0, base = 0; i < norms.length; i++, base += k) {
    // Four accumulators: independent adds pipeline (≈1.6× faster in V8 than one running sum).
    let a = 0,
      b = 0,
      c = 0,
      d = 0
    for (let j = 0; j < k4; j += 4) {
      a += code[base + j]! * projected[j]!
      b += code[base + j + 1]! * projected[j + 1]!
      c += code[base + j + 2]! * projected[j + 2]!
      d += code[base + j + 3]! * projected[j + 3]!
    }
    for (let j = k4; j < k; j++) a += code[base + j]! * projected[j]!
    out[i] = (queryMean + scales[i]! * (a + b + c + d)) / norms[i]!
  }
  return out
}

/** The query's k coefficients and its dot product with the mean: q·e ≈ q·μ + (Bq)·code × scale. */
export function queryTerms(pca: PcaBasis, query: Float32Array): { projected: Float32Array; queryMean: number } {
  let queryMean = 0
  for (let d = 0; d < pca.dim; d++) queryMean += query[d]! * pca.mean[d]!
  return { projected: project(pca, query), queryMean }
}
