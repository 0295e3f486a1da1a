/**
 * The sparse voxel map while it is being fused: a hash from integer voxel coordinates to a slot, and
 * per-slot accumulators in growable typed arrays (struct of arrays, so a million voxels stay a few
 * hundred MB at most and never become a million JS objects).
 *
 * Per voxel (NDT-style, as PanopticNDT keeps): point count, sums of point offsets from the voxel
 * centre and of their outer products (→ mean and covariance), colour sum, a majority vote of the
 * ground-truth label, the frames that saw it (count + a reservoir sample of a few), and the weighted
 * sum of L2-normalised embeddings (→ running mean weighted by observations; embedding-accumulator.ts,
 * which keeps big maps' sums in a PCA subspace).
 */
import { ConsoleError } from '../../contract'
import { EmbeddingAccumulator } from './embedding-accumulator'

/** Voxel coordinates are packed into one JS number: 17 bits per axis (±65 535 voxels). */
const axisBits = 131072
const axisOffset = 65536
export const maxVoxelCoordinate = axisOffset - 1
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
/** Measured cost of one Map<number, number> entry in V8 (key + value + table slot). */
const hashEntryBytes = 40

export class VoxelGrid {
  readonly voxelSizeMeters: number
  readonly embeddingDim: number
  private readonly budgetBytes: number
  private readonly slots = new Map<number, number>()
  count = 0
  private capacity = 0
  coords = new Int32Array(0)
  pointCount = new Uint32Array(0)
  /** Σ(p − centre), 3 per voxel. */
  offsetSum = new Float64Array(0)
  /** Σ(p − centre)(p − centre)ᵀ upper triangle xx, xy, xz, yy, yz, zz. */
  outerSum = new Float64Array(0)
  colorSum = new Float32Array(0)
  labelVote = new Uint16Array(0)
  labelVotes = new Int32Array(0)
  framesSeen = new Uint32Array(0)
  lastFrame = new Int32Array(0)
  observations = new Uint32Array(0)
  readonly embeddings: EmbeddingAccumulator
  private random = 0x2545f491

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
    // coords, count, offset and outer sums, colour, label vote, frame counters, sample, embedding sums
    const arrays = 12 + 4 + 24 + 48 + 12 + 2 + 4 + 4 + 4 + 4 * observationSlots + this.embeddings.bytesPerVoxel()
    return arrays + hashEntryBytes
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
    const key = ((ix + axisOffset) * axisBits + (iy + axisOffset)) * axisBits + (iz + axisOffset)
    const found = this.slots.get(key)
    if (found !== undefined) return found
    // Doubling while small; past 1 M voxels +25 %, so a 10 M-voxel map does not hold room for 16 M.
    if (this.count === this.capacity)
      this.grow(this.capacity < 2 ** 20 ? this.capacity * 2 : Math.ceil((this.capacity * 1.25) / 4096) * 4096)
    const slot = this.count++
    this.slots.set(key, slot)
    this.coords[slot * 3] = ix
    this.coords[slot * 3 + 1] = iy
    this.coords[slot * 3 + 2] = iz
    this.lastFrame[slot] = -1
    return slot
  }

  /** Slot of an existing voxel or -1. */
  find(ix: number, iy: number, iz: number): number {
    if (Math.abs(ix) > maxVoxelCoordinate || Math.abs(iy) > maxVoxelCoordinate || Math.abs(iz) > maxVoxelCoordinate)
      return -1
    return this.slots.get(((ix + axisOffset) * axisBits + (iy + axisOffset)) * axisBits + (iz + axisOffset)) ?? -1
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
    this.pointCount[slot]!++
    const o = slot * 3
    this.offsetSum[o]! += dx
    this.offsetSum[o + 1]! += dy
    this.offsetSum[o + 2]! += dz
    const q = slot * 6
    this.outerSum[q]! += dx * dx
    this.outerSum[q + 1]! += dx * dy
    this.outerSum[q + 2]! += dx * dz
    this.outerSum[q + 3]! += dy * dy
    this.outerSum[q + 4]! += dy * dz
    this.outerSum[q + 5]! += dz * dz
    this.colorSum[o]! += r
    this.colorSum[o + 1]! += g
    this.colorSum[o + 2]! += b
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

  /** World position of a voxel's point mean. */
  meanOf(slot: number, out: Float64Array | number[]): void {
    const n = Math.max(1, this.pointCount[slot]!)
    for (let a = 0; a < 3; a++)
      out[a] = (this.coords[slot * 3 + a]! + 0.5) * this.voxelSizeMeters + this.offsetSum[slot * 3 + a]! / n
  }

  private grow(capacity: number): void {
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
    this.offsetSum = resized(this.offsetSum, capacity * 3)
    this.outerSum = resized(this.outerSum, capacity * 6)
    this.colorSum = resized(this.colorSum, capacity * 3)
    this.labelVote = resized(this.labelVote, capacity)
    this.labelVotes = resized(this.labelVotes, capacity)
    this.framesSeen = resized(this.framesSeen, capacity)
    this.lastFrame = resized(this.lastFrame, capacity)
    this.observations = resized(this.observations, capacity * observationSlots)
    this.embeddings.resize(capacity)
    this.capacity = capacity
  }
}

type TypedArray = Int32Array | Uint32Array | Uint16Array | Float32Array | Float64Array

function resized<T extends TypedArray>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array.subarray(0, Math.min(array.length, length)) as never)
  return next
}
