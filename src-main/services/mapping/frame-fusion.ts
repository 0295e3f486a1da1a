/**
 * Fuses one posed RGB-D frame into the voxel grid: back-project every valid depth pixel with the
 * intrinsics, move it to the world with worldFromCamera, and accumulate it in its voxel.
 *
 * Pixels are visited block by block, one block per embedding cell, so each (voxel, cell) pair adds
 * the cell's embedding once with the number of its points as weight — not once per pixel, which
 * would cost `dim` operations for every pixel.
 *
 * Care at depth edges and far range: a pixel whose depth jumps by more than `edgeJumpRatio` × depth
 * from a neighbour is a "flying pixel" between foreground and background and is skipped; depth
 * beyond `maxDepthMeters` is skipped, and embeddings of points farther than `fullWeightMeters`
 * count less (1/d²), because one far pixel covers a lot of surface at low resolution.
 */
import type { CameraIntrinsics, EmbeddingMap } from '../ports'
import type { VoxelGrid } from './voxel-grid'

export interface FusionFrame {
  frameIndex: number
  camera: CameraIntrinsics
  depthMeters: Float32Array
  /** RGB, 3 bytes per pixel, same size as the depth. */
  rgb: Uint8Array
  /** Ground-truth labels of the depth pixels, or null. */
  labels: Uint16Array | null
  worldFromCamera: number[]
  embeddings: EmbeddingMap | null
}

export interface FusionSettings {
  maxDepthMeters: number
  edgeJumpRatio: number
  fullWeightMeters: number
}

export const defaultFusionSettings: Omit<FusionSettings, 'maxDepthMeters'> = {
  edgeJumpRatio: 0.05,
  fullWeightMeters: 2,
}

export interface FusionStats {
  pointsFused: number
  skippedEdge: number
  skippedFar: number
}

/** Geometry-only frames are walked in blocks of this many pixels per side. */
const geometryBlock = 4
/** Distinct voxels remembered per block before flushing. */
const blockVoxels = 16

export function fuseFrame(grid: VoxelGrid, frame: FusionFrame, settings: FusionSettings): FusionStats {
  const { width, height, fx, fy, cx, cy } = frame.camera
  const depth = frame.depthMeters
  const m = frame.worldFromCamera
  const size = grid.voxelSizeMeters
  const emb = grid.embeddingDim > 0 ? frame.embeddings : null
  const blocksX = emb ? emb.width : Math.ceil(width / geometryBlock)
  const blocksY = emb ? emb.height : Math.ceil(height / geometryBlock)
  const stepX = emb ? emb.scaleX : geometryBlock
  const stepY = emb ? emb.scaleY : geometryBlock
  const slots = new Int32Array(blockVoxels)
  const weights = new Float32Array(blockVoxels)
  const stats: FusionStats = { pointsFused: 0, skippedEdge: 0, skippedFar: 0 }
  const jump = settings.edgeJumpRatio
  const farSq = settings.fullWeightMeters * settings.fullWeightMeters
  let lastX = NaN,
    lastY = NaN,
    lastZ = NaN,
    lastSlot = -1

  for (let by = 0; by < blocksY; by++) {
    const y0 = Math.min(height, Math.ceil(by * stepY))
    const y1 = Math.min(height, Math.ceil((by + 1) * stepY))
    for (let bx = 0; bx < blocksX; bx++) {
      const x0 = Math.min(width, Math.ceil(bx * stepX))
      const x1 = Math.min(width, Math.ceil((bx + 1) * stepX))
      let used = 0
      for (let v = y0; v < y1; v++) {
        for (let u = x0; u < x1; u++) {
          const i = v * width + u
          const d = depth[i]!
          if (!(d > 0)) continue
          if (d > settings.maxDepthMeters) {
            stats.skippedFar++
            continue
          }
          const limit = jump * d
          if (
            (u > 0 && Math.abs(depth[i - 1]! - d) > limit) ||
            (u + 1 < width && Math.abs(depth[i + 1]! - d) > limit) ||
            (v > 0 && Math.abs(depth[i - width]! - d) > limit) ||
            (v + 1 < height && Math.abs(depth[i + width]! - d) > limit)
          ) {
            stats.skippedEdge++
            continue
          }
          const px = ((u - cx) * d) / fx
          const py = ((v - cy) * d) / fy
          const x = m[0]! * px + m[1]! * py + m[2]! * d + m[3]!
          const y = m[4]! * px + m[5]! * py + m[6]! * d + m[7]!
          const z = m[8]! * px + m[9]! * py + m[10]! * d + m[11]!
          const ix = Math.floor(x / size)
          const iy = Math.floor(y / size)
          const iz = Math.floor(z / size)
          // Neighbouring pixels mostly fall in the same voxel: skip the hash lookup then.
          if (ix !== lastX || iy !== lastY || iz !== lastZ) {
            lastSlot = grid.slotOf(ix, iy, iz)
            lastX = ix
            lastY = iy
            lastZ = iz
          }
          const slot = lastSlot
          grid.addPoint(
            slot,
            x,
            y,
            z,
            frame.rgb[i * 3]!,
            frame.rgb[i * 3 + 1]!,
            frame.rgb[i * 3 + 2]!,
            frame.labels ? frame.labels[i]! : 0,
          )
          grid.observe(slot, frame.frameIndex)
          stats.pointsFused++
          if (!emb) continue
          const weight = d * d > farSq ? farSq / (d * d) : 1
          let k = 0
          while (k < used && slots[k] !== slot) k++
          if (k === used) {
            if (used === blockVoxels) {
              flush(grid, emb, bx, by, slots, weights, used)
              used = 0
              k = 0
            }
            slots[used] = slot
            weights[used] = 0
            used++
          }
          weights[k]! += weight
        }
      }
      if (emb && used > 0) flush(grid, emb, bx, by, slots, weights, used)
    }
  }
  return stats
}

function flush(
  grid: VoxelGrid,
  emb: EmbeddingMap,
  bx: number,
  by: number,
  slots: Int32Array,
  weights: Float32Array,
  used: number,
): void {
  const offset = (by * emb.width + bx) * emb.dim
  grid.addEmbeddings(slots, weights, used, emb.data, offset)
}
