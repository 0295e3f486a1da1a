/**
 * The voxels' embedding sums while a map is built (weighted sums of L2-normalised embeddings → each
 * voxel's mean direction), and their compression to the map's int8 PCA codes.
 *
 * Exact sums cost 4·dim bytes per voxel (3 KB at 768-d: a 10 M-voxel house would need 30 GB). Once exact
 * sums would outgrow `exactBytes`, the accumulator fits a PCA basis (k = the map's code length) on the
 * voxels fused so far — the first frames' embeddings — and from then on keeps per voxel the running
 * mean of the coefficients c = B(e − μ) instead, as int16 in steps of 1/32 767: 2·k bytes. |c̄| ≤ ‖ē − μ‖,
 * which stays below 1 for embeddings that share a half-space, as CLIP's do (beyond, it is clamped). That mean is the voxel's code, the coefficients of its mean embedding S/W ≈ μ + Bᵀc̄ (the
 * map's code format; a query divides by the reconstruction's norm, so the mean needs no normalising).
 * Updates round stochastically, so a voxel seen thousands of times still moves by increments below
 * one step, without bias. What this costs: the parts of embeddings outside the first voxels' subspace
 * (docs/MAP.md gives the ranking agreement on real embeddings).
 */
import { encodeEmbeddings, project, projectInto, quantiseCode, type EmbeddingCodes } from './embedding-codec'
import { fitPcaBasis, type PcaBasis } from './pca-basis'
import { heapArrays, type ArrayMaker } from './snapshot-arrays'

/** Default PCA code length: 64 int8 + a scale keeps a voxel ≤ 256 bytes with its geometry. */
export const defaultCodeDim = 64

export interface EmbeddingAccumulatorOptions {
  dim: number
  /** Components of the subspace and of the map's codes (defaultCodeDim). */
  codeDim?: number
  /** Exact sums up to this many bytes; beyond, sums in the PCA subspace. */
  exactBytes?: number
}

/**
 * Voxels per page of int16 means. Growing adds pages: the largest accumulator is never copied, so a
 * growing 10 M-voxel map does not hold its old and new means at once (1.25 GB each).
 */
const pageBits = 16
const pageVoxels = 1 << pageBits

/** Coefficient units of the int16 means (±1 in full range). */
export const meanStep = 1 / 32767

/** 1 GiB of exact sums: a 768-d map switches when it grows past 262 k voxels, the 256-d demo map (84 k voxels) never. */
const defaultExactBytes = 2 ** 30

export class EmbeddingAccumulator {
  readonly dim: number
  readonly codeDim: number
  private readonly exactBytes: number
  /** Per voxel, the exact sum (`dim` floats) while there is no subspace. */
  sums: Float32Array = new Float32Array(0)
  /** Per voxel in the subspace, the mean coefficients in `meanStep` units, in pages of pageVoxels. */
  private pages: Int16Array[] = []
  /** Per voxel, the total weight W. */
  weights: Float32Array = new Float32Array(0)
  private basis: PcaBasis | null = null
  /** Bμ, and one embedding's coefficients (scratch). */
  private meanProjection: Float32Array = new Float32Array(0)
  private coefficients: Float64Array = new Float64Array(0)
  private random = 0x9e3779b9

  constructor(options: EmbeddingAccumulatorOptions) {
    this.dim = options.dim
    this.codeDim = options.codeDim ?? defaultCodeDim
    this.exactBytes = options.exactBytes ?? defaultExactBytes
  }

  /** The PCA basis sums are kept in, or null while they are exact. */
  get subspace(): PcaBasis | null {
    return this.basis
  }

  get width(): number {
    return this.basis ? this.basis.components : this.dim
  }

  bytesPerVoxel(): number {
    return this.dim > 0 ? (this.basis ? 2 : 4) * this.width + 4 : 0
  }

  /** Whether exact sums of `count` voxels would outgrow their bytes (then they are kept in a subspace). */
  exactTooBig(count: number): boolean {
    return this.dim > this.codeDim && count * this.dim * 4 > this.exactBytes
  }

  /** Before growing to `capacity` voxels (the first `count` in use): to the subspace when exact sums would outgrow their bytes. */
  fitCapacity(capacity: number, count: number): void {
    if (!this.basis && this.exactTooBig(capacity) && count > 0) {
      const row = (i: number, out: Float32Array): void => this.exactMean(i, out)
      this.convertTo(fitPcaBasis(count, this.dim, this.codeDim, row), count)
    }
  }

  /** Room for `capacity` voxels. */
  resize(capacity: number): void {
    if (this.dim === 0) return
    if (this.basis) this.addPages(capacity)
    else this.sums = resized(this.sums, capacity * this.width)
    this.weights = resized(this.weights, capacity)
  }

  /** After the final snapshot's codes: the sums are no longer needed (the weights stay, the map holds them). */
  release(): void {
    this.sums = new Float32Array(0)
    this.pages = []
  }

  /** Voxel `slot`'s mean coefficients (subspace only). */
  meanOf(slot: number, out: Float32Array): void {
    const width = this.width
    const page = this.pages[slot >>> pageBits]!
    const base = (slot & (pageVoxels - 1)) * width
    for (let j = 0; j < width; j++) out[j] = page[base + j]! * meanStep
  }

  private addPages(capacity: number): void {
    while (this.pages.length * pageVoxels < capacity) this.pages.push(new Int16Array(pageVoxels * this.width))
  }

  /** Keep sums in `basis` from the start (an empty accumulator: a resumed big map, in its own basis). */
  useSubspace(basis: PcaBasis): void {
    this.setBasis(basis)
    this.sums = new Float32Array(0)
    this.pages = []
    this.addPages(this.weights.length)
  }

  /** Adds weightsₖ × the embedding at `source[offset…]` to each of `used` voxels (one projection for all). */
  add(slots: Int32Array, weights: Float32Array, used: number, source: Float32Array, offset: number): void {
    if (this.basis) {
      this.addToMeans(slots, weights, used, source, offset)
      return
    }
    const dim = this.dim
    const sums = this.sums
    for (let k = 0; k < used; k++) {
      const slot = slots[k]!
      const w = weights[k]!
      const base = slot * dim
      for (let d = 0; d < dim; d++) sums[base + d]! += w * source[offset + d]!
      this.weights[slot]! += w
    }
  }

  private addToMeans(
    slots: Int32Array,
    weights: Float32Array,
    used: number,
    source: Float32Array,
    offset: number,
  ): void {
    const basis = this.basis!
    const width = basis.components
    const c = this.coefficients
    const mp = this.meanProjection
    // c = Be − Bμ: the frame's embedding projected as it comes, without a centred copy.
    projectInto(basis, source, offset, c)
    for (let j = 0; j < width; j++) c[j] = (c[j]! - mp[j]!) / meanStep
    let x = this.random
    for (let k = 0; k < used; k++) {
      const slot = slots[k]!
      const w = weights[k]!
      const total = this.weights[slot]! + w
      const a = total > 0 ? w / total : 0
      const means = this.pages[slot >>> pageBits]!
      const base = (slot & (pageVoxels - 1)) * width
      for (let d = 0; d < width; d++) {
        const m = means[base + d]!
        // Stochastic rounding (xorshift): unbiased, so increments below one step still add up.
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        const v = Math.floor(m + a * (c[d]! - m) + (x >>> 0) / 4294967296)
        means[base + d] = v > 32767 ? 32767 : v < -32767 ? -32767 : v
      }
      this.weights[slot] = total
    }
    this.random = x
  }

  /** Sets voxel `slot` to weight `weight` and mean `decoded` (a restored map's voxel: full dim, or in the subspace its code × scale). */
  restore(slot: number, decoded: Float32Array, weight: number): void {
    const width = this.width
    this.weights[slot] = weight
    if (this.basis) {
      const page = this.pages[slot >>> pageBits]!
      const base = (slot & (pageVoxels - 1)) * width
      for (let d = 0; d < width; d++) page[base + d] = toSteps(decoded[d]!)
    } else for (let d = 0; d < width; d++) this.sums[slot * width + d] = weight * decoded[d]!
  }

  /** Voxel i's mean direction (L2-normalised exact sum; exact sums only). */
  exactMean(i: number, out: Float32Array): void {
    const dim = this.dim
    let norm = 0
    for (let d = 0; d < dim; d++) {
      const v = this.sums[i * dim + d]!
      out[d] = v
      norm += v * v
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) out[d]! *= scale
  }

  /**
   * The first `count` voxels' int8 PCA codes (a basis fitted on their means, or the subspace's).
   * `release`: the final snapshot's codes; each page of means is let go once encoded, so the codes
   * replace the means instead of adding to them. Other snapshots get a copy of the subspace: a
   * snapshot's arrays are handed to their caller (transferred out of the fusion worker), and fusing
   * goes on in this one. `arrays` makes the codes and scales (a snapshot's, snapshot-arrays.ts).
   */
  codes(count: number, release = false, arrays: ArrayMaker = heapArrays): EmbeddingCodes {
    if (!this.basis) {
      const row = (i: number, out: Float32Array): void => this.exactMean(i, out)
      return encodeEmbeddings(count, fitPcaBasis(count, this.dim, this.codeDim, row), row, arrays)
    }
    const basis = this.basis
    const k = basis.components
    const codes = arrays.make(Int8Array, count * k)
    const scales = arrays.make(Float32Array, count)
    const direction = new Float32Array(k)
    for (let i = 0; i < count; i++) {
      this.meanOf(i, direction)
      scales[i] = quantiseCode(direction, codes, i * k)
      if (release && ((i + 1) % pageVoxels === 0 || i + 1 === count)) this.pages[i >>> pageBits] = new Int16Array(0)
    }
    const pca = release ? basis : { ...basis, mean: basis.mean.slice(), basis: basis.basis.slice() }
    return { pca, codes, scales }
  }

  private setBasis(basis: PcaBasis): void {
    this.basis = basis
    this.meanProjection = project(basis, basis.mean)
    this.coefficients = new Float64Array(basis.components)
  }

  /** Exact sums S → mean coefficients c̄ = (B·S − W·Bμ)/W for the first `count` voxels. */
  private convertTo(basis: PcaBasis, count: number): void {
    const exact = this.sums
    this.setBasis(basis)
    const k = basis.components
    this.pages = []
    this.addPages(count)
    const mp = this.meanProjection
    const sum = new Float32Array(this.dim)
    for (let i = 0; i < count; i++) {
      sum.set(exact.subarray(i * this.dim, (i + 1) * this.dim))
      const p = project(basis, sum)
      const w = this.weights[i]!
      const page = this.pages[i >>> pageBits]!
      const base = (i & (pageVoxels - 1)) * k
      if (w > 0) for (let j = 0; j < k; j++) page[base + j] = toSteps(p[j]! / w - mp[j]!)
    }
    this.sums = new Float32Array(0)
  }
}

/** A coefficient in int16 `meanStep` units (clamped: an Int16Array would wrap). */
function toSteps(value: number): number {
  return Math.max(-32767, Math.min(32767, Math.round(value / meanStep)))
}

function resized(array: Float32Array, length: number): Float32Array {
  const next = new Float32Array(length)
  next.set(array.subarray(0, Math.min(array.length, length)))
  return next
}
