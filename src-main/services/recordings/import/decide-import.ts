/**
 * Everything an import decides before it writes anything: frame order, depth encoding and unit,
 * intrinsics and pose convention, each with its reason. The writer follows the decisions; the
 * preview (`sessions.preview`, `dve import --dry-run`) shows them and lets the person change them.
 */
import type { DepthDecision, ImportDecisions, ImportOptions, PinholeIntrinsics } from '../../../contract'
import { decodeSample, isRawInvalid, storedInvalidValues } from './depth-encodings'
import { decodeDepth, FrameProblem, sourceLabel, type DepthImage, type PgmByteOrderChoice } from './frame-images'
import { orderFrames } from './frame-order'
import type { ImportPlan, PlannedFrame } from './import-plan'
import { resolveIntrinsics, type IntrinsicsChoice } from './intrinsics-decision'
import { decidePlanDepth, depthDecisionWarnings, type DepthOf } from './plan-depth-decision'
import {
  colourHeader,
  decideOrientation,
  orientationMismatch,
  turnFrames,
  turnPlanIntrinsics,
  turnPose,
} from './frame-orientation'
import { decidePoseConvention, worldFromCameraOf } from './pose-convention'
import type { Matrix4 } from './pose-math'
import type { MetricDepth } from './pose-overlap'

export interface DecidedImport {
  /** Frames in the decided order, poses as the session's worldFromCamera (or null when dropped). */
  frames: PlannedFrame[]
  depth: DepthDecision
  /** Set when the depth reading is only a guess the person must confirm (preview only). */
  depthUndecided: string | null
  /** Raw values meaning "no depth" in the stored depth. */
  depthInvalidValues: number[]
  /** Null when no sampled depth frame could be read (then the writer finds every frame bad). */
  intrinsics: IntrinsicsChoice | null
  decisions: ImportDecisions | null
  warnings: string[]
  /** The decoded depth of the first frame that could be read, for the preview. */
  firstDepth: { frame: PlannedFrame; depth: DepthImage } | null
}

/** Metric depth of one frame under a decision, NaN-free (0 = none). */
export function metricDepth(depth: DepthImage, decision: DepthDecision, invalid: ReadonlySet<number>): MetricDepth {
  const meters = new Float32Array(depth.data.length)
  for (let k = 0; k < meters.length; k++) {
    const raw = depth.data[k]!
    if (isRawInvalid(raw, decision.encoding, invalid)) continue
    const value = decodeSample(raw, decision.encoding) * decision.unitMeters
    meters[k] = Number.isFinite(value) && value > 0 ? value : 0
  }
  return { width: depth.width, height: depth.height, meters }
}

async function firstReadableDepth(
  frames: readonly PlannedFrame[],
  depthOf: DepthOf,
): Promise<{ frame: PlannedFrame; depth: DepthImage } | null> {
  for (const frame of frames) {
    try {
      return { frame, depth: await depthOf(frame) }
    } catch (error) {
      if (!(error instanceof FrameProblem)) throw error
    }
  }
  return null
}

export interface DecideOptions {
  plan: ImportPlan
  formatLabel: string
  options: ImportOptions
  pgm: PgmByteOrderChoice
  sourcePath: string
  /** Preview: an undecidable depth reading is returned as a guess instead of refused. */
  allowUndecided?: boolean
}

export async function decideImport({
  plan,
  formatLabel,
  options,
  pgm,
  sourcePath,
  allowUndecided = false,
}: DecideOptions): Promise<DecidedImport> {
  const ordered = orderFrames(plan.frames)
  // Frames are decoded once while deciding, keyed by their depth source (ordering copies frames).
  const decoded = new Map<string, Promise<DepthImage>>()
  const depthOf: DepthOf = (frame) => {
    const key = `${sourceLabel(frame.depth)}@${frame.depth.turn ?? 0}`
    let depth = decoded.get(key)
    if (!depth) decoded.set(key, (depth = decodeDepth(frame.depth, pgm)))
    return depth
  }
  const { decision: depth, undecided } = await decidePlanDepth(
    plan,
    formatLabel,
    options,
    depthOf,
    sourcePath,
    allowUndecided,
  )
  const sourceInvalid = options.depthInvalidValues ?? plan.depthInvalidValues
  const warnings = [...ordered.warnings, ...depthDecisionWarnings(depth)]
  const storedFirst = await firstReadableDepth(ordered.frames, depthOf)
  // Orientation: decided on the first readable frame; every image is then decoded turned.
  const colour = storedFirst ? await colourHeader(storedFirst.frame.rgb) : null
  const orientation = storedFirst ? decideOrientation(plan, options, colour, storedFirst.depth) : null
  const mismatch = storedFirst ? orientationMismatch(colour, storedFirst.depth) : null
  if (mismatch) warnings.push(mismatch)
  const rotation = orientation?.rotationDeg ?? 0
  const turnedFrames = turnFrames(ordered.frames, rotation)
  const firstDepth = storedFirst ? await firstReadableDepth(turnedFrames, depthOf) : null
  const base = {
    depth,
    depthUndecided: undecided,
    depthInvalidValues: storedInvalidValues(depth.encoding, sourceInvalid),
    firstDepth,
  }
  if (!firstDepth || !orientation) return { ...base, frames: turnedFrames, intrinsics: null, decisions: null, warnings }
  if (rotation) warnings.push(`Orientation: ${orientation.reason}.`)

  // Intrinsics and poses that describe the stored frames turn with them.
  const metadataTurn = orientation.metadataTurns ? rotation : 0
  const intrinsics = resolveIntrinsics(turnPlanIntrinsics(plan, metadataTurn, storedFirst!.depth), options, {
    width: firstDepth.depth.width,
    height: firstDepth.depth.height,
  })
  warnings.push(...intrinsics.warnings)
  const invalid = new Set(sourceInvalid)
  const metricOf = async (frame: PlannedFrame): Promise<MetricDepth | null> => {
    try {
      return metricDepth(await depthOf(frame), depth, invalid)
    } catch (error) {
      if (error instanceof FrameProblem) return null
      throw error
    }
  }
  const formatConvention = plan.poseConvention ?? 'camera-to-world'
  const turn = (m: Matrix4): Matrix4 => turnPose(m, metadataTurn)
  const poses = await decidePoseConvention({
    frames: turnedFrames,
    depthOf: metricOf,
    camera: intrinsics.camera,
    intrinsicsAssumed: intrinsics.assumed,
    formatConvention,
    turnPose: turn,
    ...(options.poseConvention ? { forced: options.poseConvention } : {}),
  })
  if (poses.convention === 'none' && ordered.frames.some((f) => f.worldFromCamera))
    warnings.push(`Poses dropped: ${poses.reason}.`)
  else if (poses.convention !== formatConvention && poses.convention !== 'none' && !options.poseConvention)
    warnings.push(`Pose convention: ${poses.reason}; the poses were converted.`)
  const frames = turnedFrames.map((f) => ({
    ...f,
    worldFromCamera:
      f.worldFromCamera && poses.convention !== 'none'
        ? turn(worldFromCameraOf(f.worldFromCamera, poses.convention))
        : null,
  }))
  const camera: PinholeIntrinsics = intrinsics.camera
  return {
    ...base,
    frames,
    intrinsics,
    decisions: {
      depth,
      intrinsics: { ...camera, reason: intrinsics.reason },
      poses,
      order: ordered.order,
      orientation: { rotationDeg: rotation, reason: orientation.reason },
    },
    warnings,
  }
}
