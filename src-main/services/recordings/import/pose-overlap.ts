/**
 * How well two depth frames agree under given poses: back-project frame i's depth, move the points
 * into frame j's camera (`jFromI`), and count how many land within a tolerance of frame j's own
 * depth. The right pose convention gives a high share, a wrong one a low share. Used by the pose
 * convention check of the import and by the tests of imported sessions.
 */
import type { PinholeIntrinsics } from '../../../contract'
import type { Matrix4 } from './pose-math'

/** Depth in metres, NaN or 0 where there is none. */
export interface MetricDepth {
  width: number
  height: number
  meters: Float32Array
}

export interface Overlap {
  /** Agreeing points / compared points (0 when nothing could be compared). */
  share: number
  /** Points of frame i that landed on valid depth in frame j. */
  compared: number
}

export function depthOverlap(
  di: MetricDepth,
  dj: MetricDepth,
  camera: PinholeIntrinsics,
  jFromI: Matrix4,
  options: { toleranceMeters: number; stride?: number },
): Overlap {
  const stride = options.stride ?? 4
  const m = jFromI
  let compared = 0
  let agreeing = 0
  for (let v = 0; v < di.height; v += stride)
    for (let u = 0; u < di.width; u += stride) {
      const z = di.meters[v * di.width + u]!
      if (!(z > 0)) continue
      const x = ((u - camera.cx) / camera.fx) * z
      const y = ((v - camera.cy) / camera.fy) * z
      const zj = m[8]! * x + m[9]! * y + m[10]! * z + m[11]!
      if (zj <= 0.05) continue
      const uj = Math.round(((m[0]! * x + m[1]! * y + m[2]! * z + m[3]!) / zj) * camera.fx + camera.cx)
      const vj = Math.round(((m[4]! * x + m[5]! * y + m[6]! * z + m[7]!) / zj) * camera.fy + camera.cy)
      if (uj < 0 || vj < 0 || uj >= dj.width || vj >= dj.height) continue
      const dz = dj.meters[vj * dj.width + uj]!
      if (!(dz > 0)) continue
      compared++
      if (Math.abs(dz - zj) <= options.toleranceMeters) agreeing++
    }
  return { share: compared ? agreeing / compared : 0, compared }
}
