/**
 * One map build as a job: read each posed frame (and its embeddings when a model is active), fuse it
 * in the engine, checkpoint periodically (saved, and shown live by the view), and finish with the
 * complete map. A cancelled or crashed build leaves its last checkpoint, which `resume` continues.
 */
import type { MapBuildOptions, SessionManifest } from '../../contract'
import type { JobContext } from '../jobs/job-runner'
import type { LoadedFrame } from '../ports'
import type { FusedMap } from './fused-map'
import { GrowingMap, type GrowingMapDeps } from './growing-map'

export interface MapBuildDeps extends GrowingMapDeps {
  /** Saves a checkpoint or the final map, and makes it the one the view shows. */
  publish: (map: FusedMap) => Promise<void>
  /** Shows a geometry snapshot of the growing map (not saved). */
  show: (map: FusedMap) => void
  /** How often the growing map is shown, and how often a resumable checkpoint is saved. */
  showIntervalMs?: number
  checkpointIntervalMs?: number
}

export async function buildMap(
  deps: MapBuildDeps,
  manifest: SessionManifest,
  options: MapBuildOptions,
  modelId: string | null,
  previous: FusedMap | null,
  ctx: JobContext,
): Promise<FusedMap> {
  const total = manifest.frames.length
  const map = new GrowingMap(deps, manifest, options, modelId, previous)
  const { meta } = map
  let lastCheckpoint = Date.now()
  let lastShown = Date.now()
  // Checkpoints compress the embeddings (seconds for a big 768-d map), so they are rarer than views.
  let checkpointMs = deps.checkpointIntervalMs ?? 60_000
  const showMs = deps.showIntervalMs ?? 2_000
  const checkpoint = async (complete: boolean): Promise<FusedMap> => {
    const started = Date.now()
    // The complete map is the engine's last snapshot: it takes the grid's arrays instead of copying them.
    const snapshot = await map.snapshot(complete, true, complete)
    await deps.publish(snapshot)
    lastCheckpoint = lastShown = Date.now()
    // A big map's checkpoint takes seconds: keep fusing at least 5× as long as a checkpoint takes.
    checkpointMs = Math.max(checkpointMs, 5 * (lastCheckpoint - started))
    return snapshot
  }
  try {
    let pending: Promise<LoadedFrame> | null = null
    for (let index = meta.nextFrame; index < total; index += options.frameStep) {
      ctx.throwIfCancelled()
      const frame = await (pending ?? deps.frames.loadFrame(manifest.id, index))
      // Read the next frame while this one is fused.
      pending = index + options.frameStep < total ? deps.frames.loadFrame(manifest.id, index + options.frameStep) : null
      pending?.catch(() => undefined)
      const stats = await map.add(frame, ctx.signal)
      if (stats) ctx.progress(index + 1, total, `${stats.voxelCount.toLocaleString('en')} voxels`)
      if (map.started && Date.now() - lastCheckpoint > checkpointMs) await checkpoint(false)
      else if (map.started && Date.now() - lastShown > showMs) {
        deps.show(await map.snapshot(false, false))
        lastShown = Date.now()
      }
    }
    return await checkpoint(true)
  } catch (error) {
    // Keep what was fused so `resume` can continue; the original error is what the user sees.
    if (map.started && meta.framesFused > 0) await checkpoint(false).catch(() => undefined)
    throw error
  } finally {
    await map.dispose()
  }
}
