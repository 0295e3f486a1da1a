/**
 * One map build as a job: read each posed frame (and its embeddings when a model is active), fuse it
 * in the engine, checkpoint periodically (saved, and shown live by the view), and finish with the
 * complete map. A cancelled or crashed build leaves its last checkpoint, which `resume` continues.
 */
import { ConsoleError, type MapBuildOptions, type SessionManifest } from '../../contract'
import type { JobContext } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader, LoadedFrame } from '../ports'
import type { FusionFrame } from './frame-fusion'
import type { FusedMap, FusedMapMeta } from './fused-map'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { poseProblem } from './pose-checks'

export interface MapBuildDeps {
  frames: FrameReader
  embeddings: EmbeddingProvider | null
  startEngine: (init: FusionInit) => Promise<FusionEngine>
  /** Saves a checkpoint or the final map, and makes it the one the view shows. */
  publish: (map: FusedMap) => Promise<void>
  /** Shows a geometry snapshot of the growing map (not saved). */
  show: (map: FusedMap) => void
  /** How often the growing map is shown, and how often a resumable checkpoint is saved. */
  showIntervalMs?: number
  checkpointIntervalMs?: number
  memoryBudgetBytes?: number
}

/** A median depth above this is not a room: the session's depth unit is almost certainly wrong. */
const maxPlausibleMedianDepthMeters = 50

export async function buildMap(
  deps: MapBuildDeps,
  manifest: SessionManifest,
  options: MapBuildOptions,
  modelId: string | null,
  previous: FusedMap | null,
  ctx: JobContext,
): Promise<FusedMap> {
  const total = manifest.frames.length
  // A complete map continues too when its session has grown since (a live recording).
  const resumable = previous && (!previous.meta.complete || previous.meta.nextFrame < total)
  const resume =
    previous && resumable && options.resume && sameSettings(previous.meta, options, modelId) ? previous : null
  const meta: FusedMapMeta = resume
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
        voxelSizeMeters: options.voxelSizeMeters,
        maxDepthMeters: options.maxDepthMeters,
        frameStep: options.frameStep,
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
  const badPoses: string[] = []
  let engine: FusionEngine | null = null
  let lastCheckpoint = Date.now()
  let lastShown = Date.now()
  // Checkpoints compress the embeddings (seconds for a big 768-d map), so they are rarer than views.
  let checkpointMs = deps.checkpointIntervalMs ?? 60_000
  const showMs = deps.showIntervalMs ?? 2_000
  const snapshot = (complete: boolean, withCodes: boolean): Promise<FusedMap> => {
    if (!engine)
      throw new ConsoleError(
        'unsupported',
        `Session "${manifest.id}": none of its ${total} frames has a usable pose (${badPoses.slice(0, 3).join('; ')}).`,
      )
    return engine.snapshot(
      {
        ...meta,
        complete,
        warnings: [...meta.warnings, ...poseWarning(badPoses)],
        updatedAt: new Date().toISOString(),
      },
      withCodes,
      // The complete map is the engine's last snapshot: it takes the grid's arrays instead of copying them.
      complete,
    )
  }
  const checkpoint = async (complete: boolean): Promise<FusedMap> => {
    const started = Date.now()
    const map = await snapshot(complete, true)
    await deps.publish(map)
    lastCheckpoint = lastShown = Date.now()
    // A big map's checkpoint takes seconds: keep fusing at least 5× as long as a checkpoint takes.
    checkpointMs = Math.max(checkpointMs, 5 * (lastCheckpoint - started))
    return map
  }
  try {
    let pending: Promise<LoadedFrame> | null = null
    for (let index = meta.nextFrame; index < total; index += options.frameStep) {
      ctx.throwIfCancelled()
      const frame = await (pending ?? deps.frames.loadFrame(manifest.id, index))
      // Read the next frame while this one is fused.
      pending = index + options.frameStep < total ? deps.frames.loadFrame(manifest.id, index + options.frameStep) : null
      pending?.catch(() => undefined)
      const problem = poseProblem(frame.worldFromCamera)
      if (problem) badPoses.push(`frame ${index}: ${problem}`)
      else {
        checkDepthUnit(frame, manifest)
        const fusionFrame = await toFusionFrame(deps, frame, modelId, ctx.signal)
        if (!engine) {
          meta.embeddingDim = fusionFrame.embeddings?.dim ?? 0
          engine = await deps.startEngine({
            voxelSizeMeters: meta.voxelSizeMeters,
            maxDepthMeters: meta.maxDepthMeters,
            embeddingDim: meta.embeddingDim,
            memoryBudgetBytes: deps.memoryBudgetBytes,
            restore: resume,
          })
        } else if ((fusionFrame.embeddings?.dim ?? 0) !== meta.embeddingDim) {
          throw new ConsoleError(
            'model_error',
            `Frame ${index}: embeddings have ${fusionFrame.embeddings?.dim ?? 0} dims, the map was started with ${meta.embeddingDim}. Was the model pack changed during the build?`,
          )
        }
        const stats = await engine.fuse(fusionFrame)
        meta.framesFused++
        meta.trajectory.frameIndices.push(index)
        meta.trajectory.worldFromCamera.push(frame.worldFromCamera as number[])
        ctx.progress(index + 1, total, `${stats.voxelCount.toLocaleString('en')} voxels`)
      }
      meta.nextFrame = index + options.frameStep
      if (engine && Date.now() - lastCheckpoint > checkpointMs) await checkpoint(false)
      else if (engine && Date.now() - lastShown > showMs) {
        deps.show(await snapshot(false, false))
        lastShown = Date.now()
      }
    }
    return await checkpoint(true)
  } catch (error) {
    // Keep what was fused so `resume` can continue; the original error is what the user sees.
    if (engine && meta.framesFused > 0) await checkpoint(false).catch(() => undefined)
    throw error
  } finally {
    await engine?.dispose()
  }
}

function sameSettings(meta: FusedMapMeta, options: MapBuildOptions, modelId: string | null): boolean {
  return (
    meta.voxelSizeMeters === options.voxelSizeMeters &&
    meta.maxDepthMeters === options.maxDepthMeters &&
    meta.frameStep === options.frameStep &&
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
  deps: MapBuildDeps,
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
    embeddings: embeddings ? { ...embeddings, data: embeddings.data.slice() } : null,
  }
}
