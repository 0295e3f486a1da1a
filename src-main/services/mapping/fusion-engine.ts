/**
 * The fusion state behind one build: a voxel grid that frames are fused into and that can be
 * snapshotted. `LocalFusion` runs it in the calling thread (tests, benchmarks, the worker itself);
 * the service uses `FusionWorkerClient`, which runs the same code in a worker thread.
 */
import { fuseFrame, defaultFusionSettings, type FusionFrame, type FusionStats } from './frame-fusion'
import { restoreGrid, snapshotGrid, type FusedMap, type FusedMapMeta } from './fused-map'
import { VoxelGrid } from './voxel-grid'

export interface FusionInit {
  voxelSizeMeters: number
  maxDepthMeters: number
  embeddingDim: number
  memoryBudgetBytes?: number
  /** Exact embedding sums up to this many bytes, then sums in a PCA subspace (embedding-accumulator.ts). */
  exactEmbeddingBytes?: number
  /** A checkpoint to continue from. */
  restore: FusedMap | null
}

export interface FusionEngine {
  fuse(frame: FusionFrame): Promise<FusionStats & { voxelCount: number }>
  /**
   * `withCodes` false: geometry only, for showing the map while it grows. `final`: the build's last
   * snapshot; it takes the grid's arrays instead of copying them, and nothing can be fused after it.
   */
  snapshot(meta: FusedMapMeta, withCodes: boolean, final?: boolean): Promise<FusedMap>
  dispose(): Promise<void>
}

export class LocalFusion implements FusionEngine {
  readonly grid: VoxelGrid
  private readonly maxDepthMeters: number

  constructor(init: FusionInit) {
    this.grid = init.restore
      ? restoreGrid(init.restore, init.memoryBudgetBytes, init.exactEmbeddingBytes)
      : new VoxelGrid({
          voxelSizeMeters: init.voxelSizeMeters,
          embeddingDim: init.embeddingDim,
          memoryBudgetBytes: init.memoryBudgetBytes,
          exactEmbeddingBytes: init.exactEmbeddingBytes,
        })
    this.maxDepthMeters = init.maxDepthMeters
  }

  async fuse(frame: FusionFrame): Promise<FusionStats & { voxelCount: number }> {
    return this.fuseNow(frame)
  }

  fuseNow(frame: FusionFrame): FusionStats & { voxelCount: number } {
    const stats = fuseFrame(this.grid, frame, { ...defaultFusionSettings, maxDepthMeters: this.maxDepthMeters })
    return { ...stats, voxelCount: this.grid.count }
  }

  async snapshot(meta: FusedMapMeta, withCodes: boolean, final = false): Promise<FusedMap> {
    return this.snapshotNow(meta, withCodes, final)
  }

  snapshotNow(meta: FusedMapMeta, withCodes: boolean, final = false): FusedMap {
    return snapshotGrid(this.grid, meta, withCodes, final)
  }

  async dispose(): Promise<void> {}
}
