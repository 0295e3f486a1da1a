/**
 * A live session's map, resident while the link lasts. Each step fuses only the frames recorded since
 * the last one (one in `liveMapFrameStep`) into the same engine and shows the map's geometry; every
 * `checkpointEveryMs` (and when the link ends) it saves a checkpoint with the embeddings' codes, so
 * after a crash the session's map opens from its last checkpoint and a resumed build continues it.
 * Rebuilding from the saved map each step (restore, re-encode, save) cost seconds of CPU per step on
 * a machine whose cores the model needs for the live view.
 */
import { mapBuildOptionsSchema, type SessionManifest } from '../../contract'
import type { FusedMap } from './fused-map'
import { GrowingMap, type GrowingMapDeps } from './growing-map'

export interface LiveMapDeps extends GrowingMapDeps {
  /** Saves a checkpoint and makes it the map the view shows. */
  publish: (map: FusedMap) => Promise<void>
  /** Shows a geometry snapshot of the growing map (not saved). */
  show: (map: FusedMap) => void
  /** How often a checkpoint is saved (default 30 s); the first step saves one at once. */
  checkpointEveryMs?: number
}

/** Fuse one frame in this many: the map's embeddings share the model with the live view. */
export const liveMapFrameStep = 30

export class LiveMap {
  private readonly map: GrowingMap
  /** When the last checkpoint was saved (ms), or null before the first. */
  private checkpointAt: number | null = null
  /** Frames fused since the last checkpoint. */
  private unsaved = 0
  private ended = false

  constructor(
    private readonly deps: LiveMapDeps,
    manifest: SessionManifest,
    modelId: string | null,
    previous: FusedMap | null,
  ) {
    const settings = mapBuildOptionsSchema.parse({ sessionId: manifest.id, frameStep: liveMapFrameStep, resume: true })
    this.map = new GrowingMap(deps, manifest, settings, modelId, previous)
  }

  get sessionId(): string {
    return this.map.meta.sessionId
  }

  get modelId(): string | null {
    return this.map.meta.modelId
  }

  /** Fuses the frames `manifest` holds beyond the last step's; resolves with how many were fused. */
  async grow(manifest: SessionManifest, signal: AbortSignal): Promise<number> {
    if (this.ended) return 0
    const { meta } = this.map
    this.map.setFrameCount(manifest.frames.length)
    let fused = 0
    for (let index = meta.nextFrame; index < manifest.frames.length && !signal.aborted; index = meta.nextFrame) {
      if (!(await this.map.add(await this.deps.frames.loadFrame(manifest.id, index), signal))) continue
      fused++
      this.unsaved++
    }
    if (!this.map.started || (fused === 0 && this.checkpointAt !== null)) return fused
    const now = Date.now()
    if (this.checkpointAt === null || now - this.checkpointAt >= (this.deps.checkpointEveryMs ?? 30_000))
      await this.checkpoint(false, false)
    else this.deps.show(await this.map.snapshot(false, false))
    return fused
  }

  /** Saves what was fused since the last checkpoint (`save`) and lets the engine go. */
  async end(save: boolean): Promise<void> {
    if (this.ended) return
    this.ended = true
    try {
      // The last snapshot takes the grid's arrays rather than copying them: the engine ends here anyway.
      const { nextFrame, frameCount } = this.map.meta
      if (save && this.map.started && (this.unsaved > 0 || this.checkpointAt === null))
        await this.checkpoint(nextFrame >= frameCount, true)
    } finally {
      await this.map.dispose()
    }
  }

  private async checkpoint(complete: boolean, final: boolean): Promise<void> {
    await this.deps.publish(await this.map.snapshot(complete, true, final))
    this.checkpointAt = Date.now()
    this.unsaved = 0
  }
}
