/**
 * The recording index compressed as the map's embeddings are: every cell vector (a unit vector of
 * `dim` int8 values, see embedding-pooling) becomes k int8 PCA coefficients, so 100 000 frames of
 * 192 cells fit in 100 000 × 192 × 24 B ≈ 0.46 GB instead of 14.7 GB at 768-d. Unlike the map, one
 * scale per component serves every cell (cell vectors all have norm 1, so their coefficients share a
 * range) and nothing per cell is stored besides the code. The cosine with a unit query is estimated
 * as q·μ + Σⱼ scaleⱼ·(Bq)ⱼ·codeⱼ — the query against the reconstruction, without re-normalising it,
 * which estimates q·e for a unit e without favouring badly reconstructed cells. The scan is the
 * map's WebAssembly SIMD int8 dot product over codes that live in its memory.
 */
import { Int8DotScanner, quantiseQuery } from '../mapping/int8-dot-scanner'
import { project, projectInto } from '../mapping/embedding-codec'
import { fitPcaBasis, type PcaBasis } from '../mapping/pca-basis'
import { int8Scale } from './embedding-pooling'

/**
 * Components per cell: a multiple of 8 (the SIMD scan's step). 24 keeps 100 k frames at 461 MB (32 made
 * 614 MB, over the 600 MB aim); on the demo model's real embeddings the search's top-10 frames are the
 * same as with 32 and its frame-ranking Spearman 0.90 instead of 0.95 (docs/BENCHMARKS.md). The count
 * is stored with each index, so indexes written with 32 still load.
 */
export const defaultCellComponents = 24

export interface CellCodesLayout {
  /** Cells in the index (frames × cells per frame). */
  count: number
  pca: PcaBasis
  /** Per component: coefficient ≈ code × scale. */
  scales: Float32Array
}

/** Cell codes with the scan; the codes sit in WebAssembly memory where SIMD is available. */
export class CellCodes {
  private readonly scanner: Int8DotScanner | null
  /** count × k int8 codes (a view into the scanner's memory, or a plain array without SIMD). */
  readonly codes: Int8Array
  /** The negatives set whose per-cell max cosines are held (in the scanner's values, or `negativeValues`). */
  private negativesKey: string | null = null
  private negativeValues: Float32Array | null = null

  constructor(readonly layout: CellCodesLayout) {
    const k = layout.pca.components
    this.scanner = Int8DotScanner.allocate(layout.count, k)
    this.codes = this.scanner?.codes ?? new Int8Array(layout.count * k)
  }

  get components(): number {
    return this.layout.pca.components
  }

  /** Bytes held for the index: codes, basis and scales. */
  get bytes(): number {
    const { pca } = this.layout
    return this.codes.byteLength + 4 * (pca.mean.length + pca.basis.length + this.layout.scales.length)
  }

  /** Encodes `cells` (n × dim int8 unit vectors from poolCells) into the codes starting at cell `first`. */
  encode(first: number, cells: Int8Array): void {
    const { pca, scales } = this.layout
    const { dim, components: k, mean } = pca
    const vector = new Float32Array(dim)
    // Each coefficient summed in order of d, in double precision: the codes one row at a time gave, 2.5× sooner.
    const coefficients = new Float64Array(k)
    for (let c = 0; c < cells.length / dim; c++) {
      for (let d = 0; d < dim; d++) vector[d] = cells[c * dim + d]! / int8Scale - mean[d]!
      projectInto(pca, vector, 0, coefficients)
      const out = (first + c) * k
      for (let j = 0; j < k; j++)
        this.codes[out + j] = Math.max(-127, Math.min(127, Math.round(coefficients[j]! / scales[j]!)))
    }
  }

  /** Estimated cosine of every cell with a unit query. */
  cosines(query: Float32Array, out = new Float32Array(this.layout.count)): Float32Array {
    const { weights, queryMean } = this.weightsOf(query)
    if (this.scanner) {
      const { ints, fromInt } = quantiseQuery(weights)
      const dots = this.scanner.dot(ints)
      for (let i = 0; i < out.length; i++) out[i] = queryMean + dots[i]! * fromInt
      return out
    }
    // Scalar fallback where WebAssembly SIMD is missing.
    const k = this.components
    for (let i = 0, base = 0; i < out.length; i++, base += k) {
      let dot = 0
      for (let j = 0; j < k; j++) dot += this.codes[base + j]! * weights[j]!
      out[i] = queryMean + dot
    }
    return out
  }

  /**
   * Per cell, the largest cosine over `negatives` (kept for the last `key`, in the scan's memory where
   * SIMD is available); `forgetNegatives` when cells change.
   */
  maxNegativeCosines(negatives: Float32Array[], key: string): Float32Array {
    const { count } = this.layout
    const out = this.scanner ? this.scanner.values : (this.negativeValues ??= new Float32Array(count))
    if (this.negativesKey === key) return out
    out.fill(-Infinity)
    const scratch = new Float32Array(count)
    for (const negative of negatives) {
      this.cosines(negative, scratch)
      for (let c = 0; c < count; c++) if (scratch[c]! > out[c]!) out[c] = scratch[c]!
    }
    this.negativesKey = key
    return out
  }

  forgetNegatives(): void {
    this.negativesKey = null
  }

  /**
   * Per group of `per` consecutive cells (a frame), the largest cosine with a unit query, less each
   * cell's max negative cosine when negatives are given: one SIMD pass without a per-cell array (the
   * scalar loop where SIMD is missing).
   */
  groupBest(query: Float32Array, per: number, negatives: Float32Array[], negativesKey: string): Float32Array {
    const maxNegative = negatives.length > 0 ? this.maxNegativeCosines(negatives, negativesKey) : null
    const { weights, queryMean } = this.weightsOf(query)
    if (this.scanner) {
      const { ints, fromInt } = quantiseQuery(weights)
      return this.scanner.groupMax(ints, per, fromInt, queryMean, maxNegative !== null)
    }
    const cosines = this.cosines(query)
    if (maxNegative) for (let c = 0; c < cosines.length; c++) cosines[c]! -= maxNegative[c]!
    const out = new Float32Array(Math.floor(cosines.length / per))
    for (let g = 0; g < out.length; g++) {
      let best = -Infinity
      for (let c = g * per; c < (g + 1) * per; c++) if (cosines[c]! > best) best = cosines[c]!
      out[g] = best
    }
    return out
  }

  /** The query's weight per code value, and its cosine with the mean. */
  private weightsOf(query: Float32Array): { weights: Float32Array; queryMean: number } {
    const { pca, scales } = this.layout
    const weights = project(pca, query).map((p, j) => p * scales[j]!)
    let queryMean = 0
    for (let d = 0; d < pca.dim; d++) queryMean += query[d]! * pca.mean[d]!
    return { weights, queryMean }
  }
}

/**
 * The layout for an index of `count` cells, fitted on sample cells (n × dim int8 unit vectors, e.g. a
 * strided sample of frames): the PCA basis and, per component, the largest coefficient seen.
 */
export function fitCellCodes(
  count: number,
  dim: number,
  sample: Int8Array,
  components = defaultCellComponents,
): CellCodesLayout {
  const rows = sample.length / dim
  const row = (i: number, out: Float32Array): void => {
    for (let d = 0; d < dim; d++) out[d] = sample[i * dim + d]! / int8Scale
  }
  const pca = fitPcaBasis(rows, dim, components, row)
  const largest = new Float32Array(pca.components)
  const vector = new Float32Array(dim)
  for (let i = 0; i < rows; i++) {
    row(i, vector)
    for (let d = 0; d < dim; d++) vector[d]! -= pca.mean[d]!
    project(pca, vector).forEach((p, j) => {
      largest[j] = Math.max(largest[j]!, Math.abs(p))
    })
  }
  // Cells outside the sample may reach a little further: 10 % headroom before codes clip.
  const scales = Float32Array.from(largest, (l) => (1.1 * l) / 127 || 1 / 127)
  return { count, pca, scales }
}
