/**
 * One map build of a synthetic recording until the map holds a target number of voxels, in its own
 * process so its peak RSS is its own: `node <tsx> scale-build.ts <voxels> <embeddingDim> <budgetBytes>`
 * prints one JSON line { voxels, frames, bytesPerVoxel, fusedPeakRssBytes, peakRssBytes, seconds, error? }. Run by `dve bench
 * scale`. Frames walk a 1 cm grid 0.25 m apart (through the same fuseFrame, final snapshot and save as a
 * real build), so every frame adds new surface.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConsoleError } from '../../contract'
import { defaultFusionSettings, fuseFrame } from '../../services/mapping/frame-fusion'
import { snapshotGrid, type FusedMapMeta } from '../../services/mapping/fused-map'
import { saveMap } from '../../services/mapping/map-file'
import { VoxelGrid } from '../../services/mapping/voxel-grid'
import { syntheticFrame } from './map'

const [target, embeddingDim, budgetBytes] = process.argv.slice(2).map(Number) as [number, number, number]
const started = performance.now()
const grid = new VoxelGrid({ voxelSizeMeters: 0.01, embeddingDim, memoryBudgetBytes: budgetBytes })
const settings = { ...defaultFusionSettings, maxDepthMeters: 6 }
let frames = 0
let error: string | undefined
let bytesPerVoxel = 0
/** Peak RSS before the final snapshot and save (what fusing alone needed). */
let fusedPeakRssBytes = 0
const folder = await mkdtemp(join(tmpdir(), 'dve-scale-build-'))
try {
  while (grid.count < target) {
    const frame = syntheticFrame(frames, embeddingDim > 0)
    // Five frames per metre: each one mostly new surface at 1 cm.
    frame.worldFromCamera = [1, 0, 0, frames * 0.25, 0, 1, 0, (frames % 7) * 0.4, 0, 0, 1, 0, 0, 0, 0, 1]
    fuseFrame(grid, frame, settings)
    frames++
  }
  bytesPerVoxel = grid.bytesPerVoxel()
  fusedPeakRssBytes = process.resourceUsage().maxRSS * 1024
  const meta = { embeddingDim } as FusedMapMeta
  await saveMap(folder, snapshotGrid(grid, meta, embeddingDim > 0, true))
} catch (caught) {
  if (!(caught instanceof ConsoleError)) throw caught
  error = caught.message
} finally {
  await rm(folder, { recursive: true, force: true })
}
process.stdout.write(
  `${JSON.stringify({ voxels: grid.count, frames, bytesPerVoxel, fusedPeakRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024, seconds: (performance.now() - started) / 1000, error })}\n`,
)
