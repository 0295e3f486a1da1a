/**
 * The sparse voxel map while it is being fused: a hash from integer voxel coordinates to a slot, and
 * per-slot accumulators in growable typed arrays (struct of arrays, so a million voxels stay a few
 * hundred MB at most and never become a million JS objects).
 *
 * Per voxel (NDT-style, as PanopticNDT keeps): point count, the running mean of point offsets from
 * the voxel centre and their co-moment Σ(p − p̄ₙ₋₁)(p − p̄ₙ)ᵀ (Welford: → covariance without the
 * cancellation of Σp² − n·p̄², so float32 holds it; voxel-grid.test.ts checks against float64), the
 * running mean colour, a majority vote of the
 * ground-truth label, the frames that saw it (count + a reservoir sample of a few), and the weighted
 * sum of L2-normalised embeddings (→ running mean weighted by observations; embedding-accumulator.ts,
 * which keeps big maps' sums in a PCA subspace).
 */
import { ConsoleError } from '../../contract'
import { EmbeddingAccumulator } from './embedding-accumulator'
import { hashOf } from './voxel-hash'

/** Voxel coordinates span ±65 535 per axis (17 bits, as saved maps and the clusters' keys assume). */
export const maxVoxelCoordinate = 65535
/** Frames remembered per voxel for "which frames saw this" (reservoir sample). */
export const observationSlots = 4

export interface VoxelGridOptions {
  voxelSizeMeters: number
  /** 0 for geometry-only maps. */
  embeddingDim: number
  /** Stop with a clear error before the map outgrows this many bytes of accumulators. */
  memoryBudgetBytes?: number
  /** Exact embedding sums up to this many bytes, then sums in a PCA subspace (embedding-accumulator.ts). */
  exactEmbeddingBytes?: number
}

const defaultBudgetBytes = 6 * 2 ** 30
/**
 * The hash is open addressing in an Int32Array (slot + 1, 0 = empty; keys compared with `coords`):
 * 4 B per table entry at a load of 0.35–0.7, where a Map<number, number> with 51-bit keys cost 40 B.
 */
const maxLoad = 0.7
const hashBytesPerVoxel = 8

export class VoxelGrid {
  readonly voxelSizeMeters: number
  readonly embeddingDim: number
  private readonly budgetBytes: number
  private table = new Int32Array(0)
  private tableMask = 0
  count = 0
  private capacity = 0
  coords = new Int32Array(0)
  pointCount = new Uint32Array(0)
  /** Mean of (p − centre), 3 per voxel. */
  offsetMean = new Float32Array(0)
  /** n × covariance (co-moment), upper triangle xx, xy, xz, yy, yz, zz. */
  offsetComoment = new Float32Array(0)
  colorMean = new Float32Array(0)
  labelVote = new Uint16Array(0)
  labelVotes = new Int32Array(0)
  framesSeen = new Uint32Array(0)
  lastFrame = new Int32Array(0)
  observations = new Uint32Array(0)
  readonly embeddings: EmbeddingAccumulator
  private random = 0x2545f491
  /** Set by release(): the final snapshot holds the arrays now. */
  released = false

  constructor(options: VoxelGridOptions) {
    if (!(options.voxelSizeMeters > 0) || !Number.isFinite(options.voxelSizeMeters)) {
      throw new ConsoleError(
        'invalid_input',
        `Voxel size ${options.voxelSizeMeters} m: must be a positive number of metres.`,
      )
    }
    this.voxelSizeMeters = options.voxelSizeMeters
    this.embeddingDim = options.embeddingDim
    this.budgetBytes = options.memoryBudgetBytes ?? defaultBudgetBytes
    this.embeddings = new EmbeddingAccumulator({ dim: this.embeddingDim, exactBytes: options.exactEmbeddingBytes })
    this.grow(4096)
  }

  /** Accumulator bytes per voxel (what the memory budget and the benchmark count). */
  bytesPerVoxel(): number {
    // coords, count, offset mean and co-moment, colour, label vote, frame counters, sample, embeddings
    const arrays = 12 + 4 + 12 + 24 + 12 + 2 + 4 + 4 + 4 + 4 * observationSlots + this.embeddings.bytesPerVoxel()
    return arrays + hashBytesPerVoxel
  }

  /** The slot of voxel (ix, iy, iz), created when new. */
  slotOf(ix: number, iy: number, iz: number): number {
    if (
      ix < -maxVoxelCoordinate ||
      ix > maxVoxelCoordinate ||
      iy < -maxVoxelCoordinate ||
      iy > maxVoxelCoordinate ||
      iz < -maxVoxelCoordinate ||
      iz > maxVoxelCoordinate
    ) {
      const widthKm = (2 * maxVoxelCoordinate * this.voxelSizeMeters) / 1000
      throw new ConsoleError(
        'invalid_input',
        `A point lies ${((Math.max(Math.abs(ix), Math.abs(iy), Math.abs(iz)) * this.voxelSizeMeters) / 1000).toFixed(1)} km from the origin; the map can span ${widthKm.toFixed(1)} km at ${this.voxelSizeMeters} m voxels. Is the depth unit (depthUnitMeters) or the pose translation in the wrong unit?`,
      )
    }
    const table = this.table
    const coords = this.coords
    let h = hashOf(ix, iy, iz) & this.tableMask
    for (;;) {
      const entry = table[h]!
      if (entry === 0) break
      const s = (entry - 1) * 3
      if (coords[s] === ix && coords[s + 1] === iy && coords[s + 2] === iz) return entry - 1
      h = (h + 1) & this.tableMask
    }
    // Doubling while small; past 1 M voxels +25 %, so a 10 M-voxel map does not hold room for 16 M.
    if (this.count === this.capacity)
      this.grow(this.capacity < 2 ** 20 ? this.capacity * 2 : Math.ceil((this.capacity * 1.25) / 4096) * 4096)
    const slot = this.count++
    this.coords[slot * 3] = ix
    this.coords[slot * 3 + 1] = iy
    this.coords[slot * 3 + 2] = iz
    this.lastFrame[slot] = -1
    if (this.count > maxLoad * this.table.length) this.rehash(this.table.length * 2)
    else table[h] = slot + 1
    return slot
  }

  /** Slot of an existing voxel or -1. */
  find(ix: number, iy: number, iz: number): number {
    let h = hashOf(ix, iy, iz) & this.tableMask
    for (;;) {
      const entry = this.table[h]!
      if (entry === 0) return -1
      const s = (entry - 1) * 3
      if (this.coords[s] === ix && this.coords[s + 1] === iy && this.coords[s + 2] === iz) return entry - 1
      h = (h + 1) & this.tableMask
    }
  }

  /** A table of `size` entries (a power of two) holding every voxel. */
  private rehash(size: number): void {
    const table = new Int32Array(size)
    const mask = size - 1
    for (let slot = 0; slot < this.count; slot++) {
      let h = hashOf(this.coords[slot * 3]!, this.coords[slot * 3 + 1]!, this.coords[slot * 3 + 2]!) & mask
      while (table[h] !== 0) h = (h + 1) & mask
      table[h] = slot + 1
    }
    this.table = table
    this.tableMask = mask
  }

  /** Records that `frameIndex` saw the voxel (once per frame; reservoir sample of the frames). */
  observe(slot: number, frameIndex: number): void {
    if (this.lastFrame[slot] === frameIndex) return
    this.lastFrame[slot] = frameIndex
    const seen = ++this.framesSeen[slot]!
    if (seen <= observationSlots) {
      this.observations[slot * observationSlots + seen - 1] = frameIndex
      return
    }
    // xorshift: deterministic, so a rebuild gives the same sample.
    let x = this.random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.random = x >>> 0
    const pick = this.random % seen
    if (pick < observationSlots) this.observations[slot * observationSlots + pick] = frameIndex
  }

  /** Adds one point (world metres) with its colour and label to a voxel. */
  addPoint(slot: number, x: number, y: number, z: number, r: number, g: number, b: number, label: number): void {
    const s = this.voxelSizeMeters
    const dx = x - (this.coords[slot * 3]! + 0.5) * s
    const dy = y - (this.coords[slot * 3 + 1]! + 0.5) * s
    const dz = z - (this.coords[slot * 3 + 2]! + 0.5) * s
    const n = ++this.pointCount[slot]!
    // Welford: the mean moves by (d − mean)/n; the co-moment grows by (d − old mean)(d − new mean).
    const o = slot * 3
    const mean = this.offsetMean
    const ax = dx - mean[o]!
    const ay = dy - mean[o + 1]!
    const az = dz - mean[o + 2]!
    const mx = mean[o]! + ax / n
    const my = mean[o + 1]! + ay / n
    const mz = mean[o + 2]! + az / n
    mean[o] = mx
    mean[o + 1] = my
    mean[o + 2] = mz
    const bx = dx - mx
    const by = dy - my
    const bz = dz - mz
    const q = slot * 6
    const m2 = this.offsetComoment
    m2[q]! += ax * bx
    m2[q + 1]! += ax * by
    m2[q + 2]! += ax * bz
    m2[q + 3]! += ay * by
    m2[q + 4]! += ay * bz
    m2[q + 5]! += az * bz
    const colour = this.colorMean
    colour[o]! += (r - colour[o]!) / n
    colour[o + 1]! += (g - colour[o + 1]!) / n
    colour[o + 2]! += (b - colour[o + 2]!) / n
    if (label !== 0) {
      // Boyer–Moore majority vote: the voxel's most frequent label without a per-class histogram.
      if (this.labelVotes[slot] === 0) {
        this.labelVote[slot] = label
        this.labelVotes[slot] = 1
      } else this.labelVotes[slot]! += this.labelVote[slot] === label ? 1 : -1
    }
  }

  /** Adds weightsₖ × the L2-normalised embedding at `source[offset…]` to each of `used` voxels. */
  addEmbeddings(slots: Int32Array, weights: Float32Array, used: number, source: Float32Array, offset: number): void {
    this.embeddings.add(slots, weights, used, source, offset)
  }

  /** After the final snapshot: lets go of every accumulator; adding a voxel now throws. */
  release(): void {
    this.released = true
    // A one-entry empty table: the next new voxel finds no room and calls grow, which throws.
    this.table = new Int32Array(1)
    this.tableMask = 0
    this.capacity = this.count
    this.offsetMean = this.offsetComoment = this.colorMean = new Float32Array(0)
    this.labelVotes = this.lastFrame = new Int32Array(0)
    this.labelVote = new Uint16Array(0)
    this.embeddings.release()
  }

  private grow(capacity: number): void {
    if (this.released) throw new Error('voxel grid: fused into after its final snapshot.')
    // First, so that the budget counts subspace sums where exact ones would have been too big.
    this.embeddings.fitCapacity(capacity, this.count)
    const needed = capacity * this.bytesPerVoxel()
    if (needed > this.budgetBytes) {
      throw new ConsoleError(
        'unsupported',
        `The map outgrows its memory budget: ${this.count.toLocaleString('en')} voxels × ${this.bytesPerVoxel()} B would need ${(needed / 2 ** 30).toFixed(1)} GiB (budget ${(this.budgetBytes / 2 ** 30).toFixed(1)} GiB). Use a larger voxel size, a smaller max depth or a frame step.`,
      )
    }
    this.coords = resized(this.coords, capacity * 3)
    this.pointCount = resized(this.pointCount, capacity)
    this.offsetMean = resized(this.offsetMean, capacity * 3)
    this.offsetComoment = resized(this.offsetComoment, capacity * 6)
    this.colorMean = resized(this.colorMean, capacity * 3)
    this.labelVote = resized(this.labelVote, capacity)
    this.labelVotes = resized(this.labelVotes, capacity)
    this.framesSeen = resized(this.framesSeen, capacity)
    this.lastFrame = resized(this.lastFrame, capacity)
    this.observations = resized(this.observations, capacity * observationSlots)
    this.embeddings.resize(capacity)
    this.capacity = capacity
    if (this.table.length === 0) this.rehash(2 ** Math.ceil(Math.log2(capacity / maxLoad)))
  }
}

type TypedArray = Int32Array | Uint32Array | Uint16Array | Float32Array

function resized<T extends TypedArray>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array.subarray(0, Math.min(array.length, length)) as never)
  return next
}
