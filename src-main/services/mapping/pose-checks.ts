/**
 * Checks a worldFromCamera pose before it is fused: a NaN or a scaled/sheared rotation would smear
 * the frame across the map, and a translation in millimetres makes a map kilometres wide.
 */

/** Allowed deviation of RᵀR from the identity and of det R from 1. */
const rigidTolerance = 1e-3
/** Poses farther than this from the origin almost certainly use the wrong unit. */
export const maxPoseDistanceMeters = 1000

/** Null when the pose is usable, else what is wrong with it. */
export function poseProblem(worldFromCamera: number[] | null): string | null {
  if (!worldFromCamera) return 'no pose'
  if (worldFromCamera.length !== 16) return `pose has ${worldFromCamera.length} numbers, not 16`
  if (!worldFromCamera.every(Number.isFinite)) return 'pose contains NaN or infinity'
  const m = worldFromCamera
  if (Math.abs(m[12]!) + Math.abs(m[13]!) + Math.abs(m[14]!) > 1e-6 || Math.abs(m[15]! - 1) > 1e-6)
    return 'last row is not 0 0 0 1'
  let worst = 0
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let dot = 0
      for (let k = 0; k < 3; k++) dot += m[k * 4 + i]! * m[k * 4 + j]!
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)))
    }
  }
  const det =
    m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) -
    m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) +
    m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!)
  if (worst > rigidTolerance || Math.abs(det - 1) > rigidTolerance)
    return `rotation is not rigid (|RᵀR − I| = ${worst.toFixed(4)}, det = ${det.toFixed(4)})`
  const distance = Math.hypot(m[3]!, m[7]!, m[11]!)
  if (distance > maxPoseDistanceMeters)
    return `camera is ${(distance / 1000).toFixed(1)} km from the origin (translation in the wrong unit?)`
  return null
}
