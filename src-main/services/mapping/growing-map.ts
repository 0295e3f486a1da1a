/**
 * One map growing frame by frame: its metadata, the fusion engine that holds its voxel grid (started
 * on the first usable frame, from the checkpoint it continues when there is one), snapshots of it,
 * and the checks each frame passes. A build job (map-builder.ts) grows one from start to end; a live
 * session's map (live-map.ts) keeps one resident and grows it step by step as frames are recorded.
 */
import { ConsoleError, type MapBuildOptions, type SessionManifest } from '../../contract'
import type { EmbeddingProvider, FrameReader, LoadedFrame } from '../ports'
import type { FusionFrame } from './frame-fusion'
import type { FusedMap, FusedMapMeta } from './fused-map'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { poseProblem } from './pose-checks'
import { embeddingValuesCopy } from '../float16'

export interface GrowingMapDeps {
  frames: FrameReader
  embeddings: EmbeddingProvider | null
  startEngine: (init: FusionInit) => Promise<FusionEngine>
  memoryBudgetBytes?: number
  /** Exact embedding sums up to this many bytes (the accumulator's default when absent). */
  exactEmbeddingBytes?: number
}

export type GrowSettings = Pick<MapBuildOptions, 'voxelSizeMeters' | 'maxDepthMeters' | 'frameStep' | 'resume'>

/** A median depth above this is not a room: the session's depth unit is almost certainly wrong. */
const maxPlausibleMedianDepthMeters = 50

export class GrowingMap {
  readonly meta: FusedMapMeta
  private engine: FusionEngine | null = null
  private readonly badPoses: string[] = []
  /** The checkpoint the engine starts from (dropped once it has). */
  private restore: FusedMap | null

  /** Continues `previous` when it has the same settings and frames left to fuse (and `resume` is asked). */
  constructor(
    private readonly deps: GrowingMapDeps,
    private readonly manifest: SessionManifest,
    settings: GrowSettings,
    modelId: string | null,
    previous: FusedMap | null,
  ) {
    const total = manifest.frames.length
    // A complete map continues too when its session has grown since (a live recording).
    const resumable = previous && (!previous.meta.complete || previous.meta.nextFrame < total)
    const resume =
      previous && resumable && settings.resume && sameSettings(previous.meta, settings, modelId) ? previous : null
    this.restore = resume
    this.meta = resume
      ? {
          ...resume.meta,
          frameCount: total,
          trajectory: {
            frameIndices: [...resume.meta.trajectory.frameIndices],
            worldFromCamera: [...resume.meta.trajectory.worldFromCamera],
          },
          warnings: [...resume.meta.warnings],
        }
      : {
          sessionId: manifest.id,
          modelId,
          voxelSizeMeters: settings.voxelSizeMeters,
          maxDepthMeters: settings.maxDepthMeters,
          frameStep: settings.frameStep,
          nextFrame: 0,
          framesFused: 0,
          frameCount: total,
          complete: false,
          embeddingDim: 0,
          labelClasses: manifest.labelClasses ?? [],
          camera: { ...manifest.camera },
          trajectory: { frameIndices: [], worldFromCamera: [] },
          warnings: [],
          updatedAt: new Date().toISOString(),
        }
  }

  /** Whether any frame has been fused (or a checkpoint restored): there is something to snapshot. */
  get started(): boolean {
    return this.engine !== null
  }

  /** The session has grown to `frameCount` frames (a live recording). */
  setFrameCount(frameCount: number): void {
    this.meta.frameCount = frameCount
  }

  /** Fuses one frame (or notes why its pose is unusable) and moves `nextFrame` to `next`; null when skipped. */
  async add(
    frame: LoadedFrame,
    signal: AbortSignal,
    next = frame.frameIndex + this.meta.frameStep,
  ): Promise<{ voxelCount: number } | null> {
    const index = frame.frameIndex
    const problem = poseProblem(frame.worldFromCamera)
    let stats: { voxelCount: number } | null = null
    if (problem) this.badPoses.push(`frame ${index}: ${problem}`)
    else {
      checkDepthUnit(frame, this.manifest)
      const fusionFrame = await toFusionFrame(this.deps, frame, this.meta.modelId, signal)
      const engine = await this.engineFor(fusionFrame, index)
      stats = await engine.fuse(fusionFrame)
      this.meta.framesFused++
      this.meta.trajectory.frameIndices.push(index)
      this.meta.trajectory.worldFromCamera.push(frame.worldFromCamera as number[])
    }
    this.meta.nextFrame = next
    return stats
  }

  /** Moves `nextFrame` to `next` without fusing (a live window that shows the map nothing new). */
  skip(next: number): void {
    this.meta.nextFrame = next
  }

  /**
   * The map as it is. `withCodes` false: geometry only (showing it while it grows). `final`: the
   * last snapshot, which takes the grid's arrays instead of copying them (nothing can be fused after).
   */
  snapshot(complete: boolean, withCodes: boolean, final = false): Promise<FusedMap> {
    if (!this.engine)
      throw new ConsoleError(
        'unsupported',
        `Session "${this.manifest.id}": none of its ${this.meta.frameCount} frames has a usable pose (${this.badPoses.slice(0, 3).join('; ')}).`,
      )
    return this.engine.snapshot(
      {
        ...this.meta,
        complete,
        trajectory: {
          frameIndices: [...this.meta.trajectory.frameIndices],
          worldFromCamera: [...this.meta.trajectory.worldFromCamera],
        },
        warnings: [...this.meta.warnings, ...poseWarning(this.badPoses)],
        updatedAt: new Date().toISOString(),
      },
      withCodes,
      final,
    )
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose()
    this.engine = null
  }

  private async engineFor(frame: FusionFrame, index: number): Promise<FusionEngine> {
    const dim = frame.embeddings?.dim ?? 0
    if (this.engine) {
      if (dim !== this.meta.embeddingDim)
        throw new ConsoleError(
          'model_error',
          `Frame ${index}: embeddings have ${dim} dims, the map was started with ${this.meta.embeddingDim}. Was the model pack changed during the build?`,
        )
      return this.engine
    }
    if (!this.restore) this.meta.embeddingDim = dim
    this.engine = await this.deps.startEngine({
      voxelSizeMeters: this.meta.voxelSizeMeters,
      maxDepthMeters: this.meta.maxDepthMeters,
      embeddingDim: this.meta.embeddingDim,
      memoryBudgetBytes: this.deps.memoryBudgetBytes,
      exactEmbeddingBytes: this.deps.exactEmbeddingBytes,
      restore: this.restore,
    })
    this.restore = null
    return this.engineFor(frame, index)
  }
}

function sameSettings(meta: FusedMapMeta, settings: GrowSettings, modelId: string | null): boolean {
  return (
    meta.voxelSizeMeters === settings.voxelSizeMeters &&
    meta.maxDepthMeters === settings.maxDepthMeters &&
    meta.frameStep === settings.frameStep &&
    meta.modelId === modelId
  )
}

function poseWarning(badPoses: string[]): string[] {
  if (badPoses.length === 0) return []
  return [`${badPoses.length} frame(s) skipped for bad poses, e.g. ${badPoses.slice(0, 3).join('; ')}.`]
}

function checkDepthUnit(frame: LoadedFrame, manifest: SessionManifest): void {
  const sample: number[] = []
  const depth = frame.depthMeters.data
  for (let i = 0; i < depth.length; i += 97) if (depth[i]! > 0) sample.push(depth[i]!)
  if (sample.length === 0) return
  sample.sort((a, b) => a - b)
  const median = sample[Math.floor(sample.length / 2)]!
  if (median > maxPlausibleMedianDepthMeters) {
    throw new ConsoleError(
      'bad_file',
      `Session "${manifest.id}", frame ${frame.frameIndex}: median depth is ${median.toFixed(0)} m, so the map would be kilometres wide. depthUnitMeters is ${manifest.depthUnitMeters}; is the depth in millimetres (0.001)?`,
    )
  }
}

async function toFusionFrame(
  deps: GrowingMapDeps,
  frame: LoadedFrame,
  modelId: string | null,
  signal: AbortSignal,
): Promise<FusionFrame> {
  const { width, height } = frame.depthMeters
  const [labels, embeddings] = await Promise.all([
    deps.frames.loadLabels(frame.sessionId, frame.frameIndex),
    modelId && deps.embeddings
      ? deps.embeddings.frameEmbeddings(frame.sessionId, frame.frameIndex, signal, { background: true })
      : Promise.resolve(null),
  ])
  // Arrays are copied: they are transferred to the worker, and the reader's caches keep their own.
  return {
    frameIndex: frame.frameIndex,
    camera: frame.camera,
    depthMeters: frame.depthMeters.data.slice(),
    rgb: frame.rgb.data.slice(),
    labels: labels && labels.width === width && labels.height === height ? labels.data.slice() : null,
    worldFromCamera: frame.worldFromCamera as number[],
    embeddings: embeddings && {
      dim: embeddings.dim,
      width: embeddings.width,
      height: embeddings.height,
      scaleX: embeddings.scaleX,
      scaleY: embeddings.scaleY,
      data: embeddingValuesCopy(embeddings),
    },
  }
}
