/**
 * A finished (or checkpointed) map: the voxel grid's accumulators turned into per-voxel means,
 * covariances and colours, with the embeddings compressed to PCA codes. This is what is saved,
 * queried, drawn and exported; a resumed build turns it back into a grid.
 */
import type { LabelClass } from '../../contract'
import type { CameraIntrinsics } from '../ports'
import { decodeEmbedding, type EmbeddingCodes } from './embedding-codec'
import { SnapshotArrays } from './snapshot-arrays'
import { observationSlots, VoxelGrid } from './voxel-grid'

export { defaultCodeDim } from './embedding-accumulator'

export interface FusedMapMeta {
  sessionId: string
  modelId: string | null
  voxelSizeMeters: number
  maxDepthMeters: number
  frameStep: number
  /** The next frame index a resumed build starts from. */
  nextFrame: number
  framesFused: number
  frameCount: number
  complete: boolean
  embeddingDim: number
  labelClasses: LabelClass[]
  camera: CameraIntrinsics
  trajectory: { frameIndices: number[]; worldFromCamera: number[][] }
  warnings: string[]
  updatedAt: string
}

export interface FusedMap {
  meta: FusedMapMeta
  count: number
  /** Integer grid coordinates of each voxel (the mean alone can round into a neighbour). */
  voxelCoords: Int32Array
  /** Point mean of each voxel, world metres. */
  positions: Float32Array
  /** RGBA mean colour. */
  colors: Uint8Array
  labels: Uint16Array
  pointCounts: Uint32Array
  /** Point covariance, upper triangle xx xy xz yy yz zz (m²). */
  covariances: Float32Array
  framesSeen: Uint32Array
  observations: Uint32Array
  /** Observation weight behind each voxel's embedding (empty for geometry-only maps). */
  embeddingWeights: Float32Array
  codes: EmbeddingCodes | null
}

/**
 * `withCodes` false skips the (costly) PCA of the embeddings: a live view of a growing map. `final`: the
 * grid's last snapshot, which takes its arrays instead of copying them (means, co-moments and votes
 * become positions, covariances and labels in place) and lets go of the embedding means once the codes
 * are made, so a 10 M-voxel map never exists twice in memory (the grid is unusable afterwards).
 */
export function snapshotGrid(grid: VoxelGrid, meta: FusedMapMeta, withCodes = true, final = false): FusedMap {
  if (grid.released) throw new Error('voxel grid: snapshot after its final snapshot.')
  const n = grid.count
  const dim = grid.embeddingDim
  const embedded = withCodes && dim > 0 && n > 0
  const arrays = new SnapshotArrays()
  // Codes first, so a final snapshot frees the embedding sums before the geometry arrays are made.
  const codes = embedded ? grid.embeddings.codes(n, final, arrays) : null
  const take = <K extends Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor>(
    kind: K,
    array: Int32Array | Uint32Array | Float32Array,
    length: number,
  ): InstanceType<K> => {
    if (final) return array.subarray(0, length) as InstanceType<K>
    const copy = arrays.make(kind, length)
    copy.set(array.subarray(0, length))
    return copy
  }
  const embeddingWeights = embedded ? take(Float32Array, grid.embeddings.weights, n) : new Float32Array(0)
  if (final) grid.embeddings.release()
  const { offsetMean, offsetComoment, labelVote, labelVotes, colorMean, coords } = grid
  // A final snapshot writes each value over the accumulator it comes from (each read before it is written).
  const positions = final ? offsetMean.subarray(0, n * 3) : arrays.make(Float32Array, n * 3)
  const covariances = final ? offsetComoment.subarray(0, n * 6) : arrays.make(Float32Array, n * 6)
  const labels = final ? labelVote.subarray(0, n) : arrays.make(Uint16Array, n)
  const colors = arrays.make(Uint8Array, n * 4)
  const s = grid.voxelSizeMeters
  for (let i = 0; i < n; i++) {
    const count = Math.max(1, grid.pointCount[i]!)
    for (let a = 0; a < 3; a++) positions[i * 3 + a] = (coords[i * 3 + a]! + 0.5) * s + offsetMean[i * 3 + a]!
    for (let c = 0; c < 3; c++) colors[i * 4 + c] = Math.round(colorMean[i * 3 + c]!)
    colors[i * 4 + 3] = 255
    labels[i] = labelVotes[i]! > 0 ? labelVote[i]! : 0
    for (let p = 0; p < 6; p++) covariances[i * 6 + p] = offsetComoment[i * 6 + p]! / count
  }
  const map = {
    meta,
    count: n,
    voxelCoords: take(Int32Array, grid.coords, n * 3),
    positions,
    colors,
    labels,
    pointCounts: take(Uint32Array, grid.pointCount, n),
    covariances,
    framesSeen: take(Uint32Array, grid.framesSeen, n),
    observations: take(Uint32Array, grid.observations, n * observationSlots),
    embeddingWeights,
    codes,
  }
  if (final) grid.release()
  return map
}

/** Turns a saved map back into accumulators so a build can continue (embeddings as decoded). */
export function restoreGrid(map: FusedMap, memoryBudgetBytes?: number, exactEmbeddingBytes?: number): VoxelGrid {
  const dim = map.codes ? map.meta.embeddingDim : 0
  const grid = new VoxelGrid({
    voxelSizeMeters: map.meta.voxelSizeMeters,
    embeddingDim: dim,
    memoryBudgetBytes,
    exactEmbeddingBytes,
  })
  const s = map.meta.voxelSizeMeters
  // A big map continues in its own PCA basis (as it was built); a small one with exact sums of its decoded codes.
  const subspace = map.codes && grid.embeddings.exactTooBig(map.count) ? map.codes.pca : null
  if (subspace) grid.embeddings.useSubspace(subspace)
  const decoded = new Float32Array(subspace ? subspace.components : dim)
  for (let i = 0; i < map.count; i++) {
    const x = map.positions[i * 3]!,
      y = map.positions[i * 3 + 1]!,
      z = map.positions[i * 3 + 2]!
    const slot = grid.slotOf(map.voxelCoords[i * 3]!, map.voxelCoords[i * 3 + 1]!, map.voxelCoords[i * 3 + 2]!)
    const n = map.pointCounts[i]!
    grid.pointCount[slot] = n
    const o = [
      x - (grid.coords[slot * 3]! + 0.5) * s,
      y - (grid.coords[slot * 3 + 1]! + 0.5) * s,
      z - (grid.coords[slot * 3 + 2]! + 0.5) * s,
    ]
    for (let a = 0; a < 3; a++) {
      grid.offsetMean[slot * 3 + a] = o[a]!
      grid.colorMean[slot * 3 + a] = map.colors[i * 4 + a]!
    }
    for (let p = 0; p < 6; p++) grid.offsetComoment[slot * 6 + p] = n * map.covariances[i * 6 + p]!
    if (map.labels[i]! > 0) {
      grid.labelVote[slot] = map.labels[i]!
      grid.labelVotes[slot] = 1
    }
    grid.framesSeen[slot] = map.framesSeen[i]!
    grid.observations.set(
      map.observations.subarray(i * observationSlots, (i + 1) * observationSlots),
      slot * observationSlots,
    )
    if (map.codes) {
      if (subspace) {
        const k = subspace.components
        for (let j = 0; j < k; j++) decoded[j] = map.codes.codes[i * k + j]! * map.codes.scales[i]!
      } else decodeEmbedding(map.codes, i, decoded)
      grid.embeddings.restore(slot, decoded, map.embeddingWeights[i]!)
    }
  }
  return grid
}
