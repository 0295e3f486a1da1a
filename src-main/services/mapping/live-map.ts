/**
 * A live session's map, resident while the link lasts. Each step fuses only the frames recorded since
 * the last one into the same engine and shows the map's geometry. Of each `liveMapFrameStep` frames it
 * fuses at most one, a keyframe (keyframe-choice.ts): of the frames the live view's model already
 * embedded (their embeddings are read from the cache, so the map costs the model nothing), else the
 * first (embedded in the background), the one whose view is newest to the map; none when every one is
 * within `liveKeyframeMove` of a frame fused before. Every `liveCheckpointEveryMs` (and when the link
 * ends) it saves a checkpoint with the embeddings' codes, so after a crash the session's map opens
 * from its last checkpoint and a resumed build continues it.
 * Rebuilding from the saved map each step (restore, re-encode, save) cost seconds of CPU per step on
 * a machine whose cores the model needs for the live view.
 */
import { mapBuildOptionsSchema, type SessionManifest } from '../../contract'
import type { FusedMap } from './fused-map'
import { GrowingMap, type GrowingMapDeps } from './growing-map'
import { chooseKeyframe, type KeyframeMove } from './keyframe-choice'

export interface LiveMapDeps extends GrowingMapDeps {
  /** Saves a checkpoint and makes it the map the view shows. */
  publish: (map: FusedMap) => Promise<void>
  /** Shows a geometry snapshot of the growing map (not saved). */
  show: (map: FusedMap) => void
}

/** Fuse at most one frame in this many: the map's embeddings share the model with the live view. */
export const liveMapFrameStep = 10

/**
 * A frame is a keyframe when it is this far from every frame fused before. Before keyframes the map
 * fused one frame in 30 whatever it showed: a robot driving a route again, or standing still, kept
 * growing it from nearby viewpoints (the looped demo walk: 139 k → 189 k voxels after the first minute,
 * the host's memory with it) and kept a fusion step on the cores the model needs.
 */
export const liveKeyframeMove: KeyframeMove = { meters: 0.3, degrees: 20 }

/**
 * Exact embedding sums for the live map's first voxels only (32 MiB: 32 768 voxels at 256-d, 10 922 at
 * 768-d); then it keeps them in the PCA subspace of those voxels, 132 B a voxel instead of 4·dim. A live
 * map shares the robot's memory with the model for as long as the link lasts, and its checkpoints then
 * need no PCA fit over every voxel. docs/MAP.md gives what the subspace costs the ranking.
 */
export const liveExactEmbeddingBytes = 32 * 2 ** 20

/**
 * Map queries answer from the last checkpoint, so this is how old a live map's answers can be. Every
 * 10 s was measured (`dve bench live`): the live heatmap's p95 rose from 223 to 241 ms, 283 in the last
 * minute, as saving and loading a checkpoint of ~180 k voxels shares the cores with the model.
 */
export const liveCheckpointEveryMs = 30_000

export class LiveMap {
  private readonly map: GrowingMap
  /** When the last checkpoint was saved (ms), or null before the first. */
  private checkpointAt: number | null = null
  /** Frames fused since the last checkpoint. */
  private unsaved = 0
  /** Whether the last checkpoint had passed every frame (nothing fused since does not make it so). */
  private savedComplete = false
  /** Frames the live model embedded that the map has not passed yet. */
  private readonly embedded = new Set<number>()
  private ended = false

  constructor(
    private readonly deps: LiveMapDeps,
    manifest: SessionManifest,
    modelId: string | null,
    previous: FusedMap | null,
  ) {
    const settings = mapBuildOptionsSchema.parse({ sessionId: manifest.id, frameStep: liveMapFrameStep, resume: true })
    this.map = new GrowingMap(
      { ...deps, exactEmbeddingBytes: liveExactEmbeddingBytes },
      manifest,
      settings,
      modelId,
      previous,
    )
  }

  get sessionId(): string {
    return this.map.meta.sessionId
  }

  get modelId(): string | null {
    return this.map.meta.modelId
  }

  /**
   * Fuses the frames `manifest` holds beyond the last step's, given the frames the live model has
   * embedded since (`embedded`). A window of frames is fused once the next one is recorded too (the
   * model may still be embedding one of its frames), all that is left when the link ends (`last`).
   * Resolves with how many frames were fused.
   */
  async grow(
    manifest: SessionManifest,
    embedded: readonly number[],
    signal: AbortSignal,
    last = false,
  ): Promise<number> {
    if (this.ended) return 0
    for (const index of embedded) this.embedded.add(index)
    const { meta } = this.map
    const count = manifest.frames.length
    this.map.setFrameCount(count)
    const step = meta.frameStep
    const poseOf = (i: number) => manifest.frames[i]?.worldFromCamera ?? null
    let fused = 0
    for (let start = meta.nextFrame; start < (last ? count : count - 2 * step + 1); start = meta.nextFrame) {
      if (signal.aborted) break
      const end = Math.min(start + step, count)
      const embedded = [...this.embedded].filter((e) => e >= start && e < end).sort((a, b) => a - b)
      for (const e of this.embedded) if (e < end) this.embedded.delete(e)
      const candidates = embedded.length > 0 ? embedded : [start]
      const index = chooseKeyframe(candidates, poseOf, meta.trajectory.worldFromCamera, liveKeyframeMove)
      if (index === null) {
        this.map.skip(start + step)
        continue
      }
      if (!(await this.map.add(await this.deps.frames.loadFrame(manifest.id, index), signal, start + step))) continue
      fused++
      this.unsaved++
    }
    if (!this.map.started) return fused
    // Saved every so often while there is something new; a route driven again saves and shows nothing.
    const due =
      this.checkpointAt === null || (this.unsaved > 0 && Date.now() - this.checkpointAt >= liveCheckpointEveryMs)
    if (due) await this.checkpoint(false, false)
    else if (fused > 0) this.deps.show(await this.map.snapshot(false, false))
    return fused
  }

  /** Saves what was fused since the last checkpoint (`save`) and lets the engine go. */
  async end(save: boolean): Promise<void> {
    if (this.ended) return
    this.ended = true
    try {
      // The last snapshot takes the grid's arrays rather than copying them: the engine ends here anyway.
      const { nextFrame, frameCount } = this.map.meta
      const complete = nextFrame >= frameCount
      if (
        save &&
        this.map.started &&
        (this.unsaved > 0 || this.checkpointAt === null || complete !== this.savedComplete)
      )
        await this.checkpoint(complete, true)
    } finally {
      await this.map.dispose()
    }
  }

  private async checkpoint(complete: boolean, final: boolean): Promise<void> {
    await this.deps.publish(await this.map.snapshot(complete, true, final))
    this.checkpointAt = Date.now()
    this.unsaved = 0
    this.savedComplete = complete
  }
}

export interface ResidentLiveMapDeps {
  manifest: (sessionId: string) => Promise<SessionManifest>
  /** Starts a session's live map, continuing its saved map when that has the same settings. */
  open: (manifest: SessionManifest) => Promise<LiveMap>
}

/** The one live map kept resident (one robot link at a time). */
export class ResidentLiveMap {
  private live: LiveMap | null = null

  constructor(private readonly deps: ResidentLiveMapDeps) {}

  get sessionId(): string | null {
    return this.live?.sessionId ?? null
  }

  /** One step of the session's live map (started on the first); callers make one call at a time. */
  async grow(sessionId: string, embedded: readonly number[]): Promise<void> {
    const live = await this.opened(sessionId)
    await live.grow(await this.deps.manifest(sessionId), embedded, new AbortController().signal)
  }

  /**
   * The link ended: fuses what is left, saves the last checkpoint and ends the engine. A link that
   * ended before its first step (a few seconds long) gets its map here.
   */
  async end(sessionId: string, embedded: readonly number[]): Promise<void> {
    const live = await this.opened(sessionId)
    this.live = null
    try {
      await live.grow(await this.deps.manifest(sessionId), embedded, new AbortController().signal, true)
    } finally {
      await live.end(true)
    }
  }

  /** Ends the session's engine without saving (the session is deleted). */
  async drop(sessionId: string): Promise<void> {
    if (this.live?.sessionId === sessionId) await this.release(false)
  }

  /** The session's live map, started when it is not the resident one. */
  private async opened(sessionId: string): Promise<LiveMap> {
    if (this.live?.sessionId !== sessionId) {
      // A link that ended without saying so leaves its map: save it and start this session's.
      await this.release(true)
      this.live = await this.deps.open(await this.deps.manifest(sessionId))
    }
    return this.live
  }

  private async release(save: boolean): Promise<void> {
    const live = this.live
    this.live = null
    await live?.end(save)
  }
}
