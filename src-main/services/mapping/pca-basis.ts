/**
 * A per-map PCA basis of the voxel embeddings: the mean and the top-k principal directions of a
 * sample of voxels, found by subspace iteration on the sample covariance. The map's embeddings span
 * few directions (a room holds a few dozen kinds of things), so k ≪ dim keeps the ranking.
 */

export interface PcaBasis {
  dim: number
  /** Number of components k. */
  components: number
  mean: Float32Array
  /** k rows of `dim`, orthonormal. */
  basis: Float32Array
}

/** Voxels sampled for the covariance; the cost is sample × dim² / 2. */
const maxSample = 1536
const iterations = 24

/** `row(i, out)` writes voxel i's L2-normalised embedding into `out`. */
export function fitPcaBasis(
  count: number,
  dim: number,
  components: number,
  row: (i: number, out: Float32Array) => void,
): PcaBasis {
  const k = Math.min(components, dim)
  const sampleCount = Math.min(count, maxSample)
  const sample = new Float64Array(sampleCount * dim)
  const mean = new Float64Array(dim)
  const buffer = new Float32Array(dim)
  for (let s = 0; s < sampleCount; s++) {
    row(Math.floor((s * count) / sampleCount), buffer)
    for (let d = 0; d < dim; d++) {
      sample[s * dim + d] = buffer[d]!
      mean[d]! += buffer[d]!
    }
  }
  for (let d = 0; d < dim; d++) mean[d]! /= Math.max(1, sampleCount)
  const covariance = new Float64Array(dim * dim)
  const centred = new Float64Array(dim)
  for (let s = 0; s < sampleCount; s++) {
    for (let d = 0; d < dim; d++) centred[d] = sample[s * dim + d]! - mean[d]!
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]!
      if (ca === 0) continue
      const rowOffset = a * dim
      for (let b = a; b < dim; b++) covariance[rowOffset + b]! += ca * centred[b]!
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) covariance[a * dim + b] = covariance[b * dim + a]!

  let q = seededColumns(dim, k)
  const next = new Float64Array(dim * k)
  for (let it = 0; it < iterations; it++) {
    next.fill(0)
    for (let a = 0; a < dim; a++) {
      const rowOffset = a * dim
      for (let b = 0; b < dim; b++) {
        const c = covariance[rowOffset + b]!
        if (c === 0) continue
        for (let j = 0; j < k; j++) next[a * k + j]! += c * q[b * k + j]!
      }
    }
    orthonormaliseColumns(next, dim, k)
    q = next.slice()
  }
  const basis = new Float32Array(k * dim)
  for (let j = 0; j < k; j++) for (let d = 0; d < dim; d++) basis[j * dim + d] = q[d * k + j]!
  return { dim, components: k, mean: Float32Array.from(mean), basis }
}

function seededColumns(dim: number, k: number): Float64Array {
  const q = new Float64Array(dim * k)
  let x = 12345
  for (let i = 0; i < q.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    q[i] = x / 0x7fffffff - 0.5
  }
  orthonormaliseColumns(q, dim, k)
  return q
}

/**
 * Modified Gram–Schmidt on the k columns of a dim×k row-major matrix. A column that is (nearly) in
 * the span of the previous ones — the map's embeddings span fewer than k directions — becomes zero:
 * normalising its rounding noise would give a direction that is not orthogonal to the others.
 */
function orthonormaliseColumns(m: Float64Array, dim: number, k: number): void {
  for (let j = 0; j < k; j++) {
    let before = 0
    for (let d = 0; d < dim; d++) before += m[d * k + j]! ** 2
    for (let p = 0; p < j; p++) {
      let dot = 0
      for (let d = 0; d < dim; d++) dot += m[d * k + j]! * m[d * k + p]!
      for (let d = 0; d < dim; d++) m[d * k + j]! -= dot * m[d * k + p]!
    }
    let norm = 0
    for (let d = 0; d < dim; d++) norm += m[d * k + j]! ** 2
    const scale = norm > 1e-12 * before && norm > 1e-300 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) m[d * k + j]! *= scale
  }
}
