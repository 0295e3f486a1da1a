/**
 * Pose convention check: sources store camera→world or world→camera, with OpenCV (y down, z forward)
 * or OpenGL (y up, z backward) camera axes. Consecutive frames must overlap when their depth is
 * reprojected with the right convention; the format's convention is kept unless another fits the
 * data clearly better, and poses that fit none are dropped with a warning rather than used.
 */
import type { ImportDecisions, PinholeIntrinsics, PoseConventionId } from '../../../contract'
import type { PlannedFrame } from './import-plan'
import { invertRigid, multiply4, type Matrix4 } from './pose-math'
import { depthOverlap, type MetricDepth } from './pose-overlap'

export type PoseDecision = ImportDecisions['poses']

const openGlFromOpenCv: Matrix4 = [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]
const checkedConventions = [
  'camera-to-world',
  'world-to-camera',
  'camera-to-world-opengl',
  'world-to-camera-opengl',
] as const
/** Consecutive pairs checked, spread over the recording. */
const checkedPairs = 3
const toleranceMeters = 0.05
/** Fewer compared points than this say nothing about the convention. */
const minCompared = 500
/**
 * Below this share no convention makes the frames agree (unrelated rigid poses give about 0.04;
 * right poses of the shared recordings 0.45–1.0, far-apart slambook2 Kinect frames the lowest).
 */
const noFitShare = 0.15
/** Another convention must disagree this many times less than the format's to replace it. */
const switchRatio = 3
const minSwitchShare = 0.5

/** The source pose as the session's worldFromCamera (OpenCV camera → world). */
export function worldFromCameraOf(pose: Matrix4, convention: Exclude<PoseConventionId, 'none'>): Matrix4 {
  const cameraToWorld = convention.startsWith('camera-to-world') ? pose : invertRigid(pose)
  return convention.endsWith('opengl') ? multiply4(cameraToWorld, openGlFromOpenCv) : cameraToWorld
}

export function conventionName(convention: PoseConventionId): string {
  switch (convention) {
    case 'camera-to-world':
      return 'camera→world (OpenCV axes)'
    case 'world-to-camera':
      return 'world→camera (OpenCV axes)'
    case 'camera-to-world-opengl':
      return 'camera→world (OpenGL axes)'
    case 'world-to-camera-opengl':
      return 'world→camera (OpenGL axes)'
    case 'none':
      return 'no poses'
  }
}

/** Indices k of posed pairs (k, k+1) spread over the frames. */
function pairStarts(frames: readonly PlannedFrame[]): number[] {
  const posed = frames
    .map((f, k) => (f.worldFromCamera && frames[k + 1]?.worldFromCamera ? k : -1))
    .filter((k) => k >= 0)
  if (posed.length <= checkedPairs) return posed
  return [
    ...new Set(
      Array.from({ length: checkedPairs }, (_, i) => posed[Math.round((i * (posed.length - 1)) / (checkedPairs - 1))]!),
    ),
  ]
}

export interface PoseCheckInput {
  frames: readonly PlannedFrame[]
  /** Metric depth of a frame (null when it cannot be read). */
  depthOf: (frame: PlannedFrame) => Promise<MetricDepth | null>
  /** Intrinsics of the depth image as the source gives them (a negative focal length kept). */
  camera: PinholeIntrinsics
  formatConvention: Exclude<PoseConventionId, 'none'>
  /** Set in the import options: used without a check. */
  forced?: PoseConventionId
  /** Assumed intrinsics make reprojection unreliable: the check then reports but never switches or drops. */
  intrinsicsAssumed: boolean
  /** Turns a converted pose to the frames' orientation (frame-orientation.ts); identity when absent. */
  turnPose?: (worldFromCamera: Matrix4) => Matrix4
}

export async function decidePoseConvention(input: PoseCheckInput): Promise<PoseDecision> {
  const { frames, formatConvention } = input
  if (!frames.some((f) => f.worldFromCamera)) return { convention: 'none', reason: 'the source has no poses' }
  if (input.forced) return { convention: input.forced, reason: 'set in the import options' }
  const totals = new Map(checkedConventions.map((c) => [c, { agreeing: 0, compared: 0 }]))
  for (const k of pairStarts(frames)) {
    const [a, b] = [frames[k]!, frames[k + 1]!]
    const [da, db] = await Promise.all([input.depthOf(a), input.depthOf(b)])
    if (!da || !db) continue
    const turn = input.turnPose ?? ((m: Matrix4): Matrix4 => m)
    for (const convention of checkedConventions) {
      const wa = turn(worldFromCameraOf(a.worldFromCamera!, convention))
      const wb = turn(worldFromCameraOf(b.worldFromCamera!, convention))
      const overlap = depthOverlap(da, db, input.camera, multiply4(invertRigid(wb), wa), { toleranceMeters })
      const total = totals.get(convention)!
      total.agreeing += overlap.share * overlap.compared
      total.compared += overlap.compared
    }
  }
  const share = (c: (typeof checkedConventions)[number]): number => {
    const t = totals.get(c)!
    return t.compared >= minCompared ? t.agreeing / t.compared : 0
  }
  const measured = checkedConventions.filter((c) => totals.get(c)!.compared >= minCompared)
  const formatShare = share(formatConvention)
  const shares = checkedConventions.map((c) => `${conventionName(c)} ${share(c).toFixed(2)}`).join(', ')
  if (measured.length === 0)
    return {
      convention: formatConvention,
      reason: `the format's convention, ${conventionName(formatConvention)}; consecutive frames share too little depth to check it`,
    }
  const best = [...measured].sort((x, y) => share(y) - share(x))[0]!
  if (input.intrinsicsAssumed)
    return {
      convention: formatConvention,
      reason: `the format's convention, ${conventionName(formatConvention)}; not checked against the data because the intrinsics are assumed (share of reprojected depth within ${toleranceMeters * 100} cm: ${shares})`,
    }
  if (share(best) < noFitShare)
    return {
      convention: 'none',
      reason: `no convention makes consecutive frames agree (share of reprojected depth within ${toleranceMeters * 100} cm: ${shares}); the poses were dropped`,
    }
  if (best !== formatConvention && share(best) >= minSwitchShare && (1 - share(best)) * switchRatio < 1 - formatShare)
    return {
      convention: best,
      reason: `the format says ${conventionName(formatConvention)}, but consecutive frames agree as ${conventionName(best)} (share of reprojected depth within ${toleranceMeters * 100} cm: ${shares})`,
    }
  return {
    convention: formatConvention,
    reason: `the format's convention, ${conventionName(formatConvention)}, confirmed by consecutive frames (share of reprojected depth within ${toleranceMeters * 100} cm: ${shares})`,
  }
}
