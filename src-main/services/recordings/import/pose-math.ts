/**
 * Pose conversions into the session convention: row-major 4×4 `worldFromCamera` (OpenCV camera →
 * world), plus the rigidity check every imported pose passes.
 */

export type Matrix4 = number[]

export const identity4: Matrix4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

/** TUM order: translation tx ty tz and unit quaternion qx qy qz qw (normalised here). */
export function matrixFromTranslationQuaternion(t: readonly number[], q: readonly number[]): Matrix4 {
  const norm = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!)
  const [x, y, z, w] = norm > 0 ? q.map((v) => v / norm) : [Number.NaN, Number.NaN, Number.NaN, Number.NaN]
  return [
    1 - 2 * (y! * y! + z! * z!),
    2 * (x! * y! - z! * w!),
    2 * (x! * z! + y! * w!),
    t[0]!,
    2 * (x! * y! + z! * w!),
    1 - 2 * (x! * x! + z! * z!),
    2 * (y! * z! - x! * w!),
    t[1]!,
    2 * (x! * z! - y! * w!),
    2 * (y! * z! + x! * w!),
    1 - 2 * (x! * x! + y! * y!),
    t[2]!,
    0,
    0,
    0,
    1,
  ]
}

export function multiply4(a: Matrix4, b: Matrix4): Matrix4 {
  const out = new Array<number>(16).fill(0)
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c]! += a[r * 4 + k]! * b[k * 4 + c]!
  return out
}

/** Inverse of a rigid transform (rotation transposed, translation rotated back). */
export function invertRigid(m: Matrix4): Matrix4 {
  const r = (i: number, j: number): number => m[i * 4 + j]!
  const t = [m[3]!, m[7]!, m[11]!]
  const out = [...identity4]
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 4 + j] = r(j, i)
    out[i * 4 + 3] = -(r(0, i) * t[0]! + r(1, i) * t[1]! + r(2, i) * t[2]!)
  }
  return out
}

const rigidTolerance = 1e-3

/** Null when `m` is a finite rigid transform, else why not. */
export function rigidPoseProblem(m: readonly number[]): string | null {
  if (m.length !== 16) return `expected 16 numbers, found ${m.length}`
  if (!m.every(Number.isFinite)) return 'the pose contains NaN or infinite values'
  if (Math.abs(m[12]!) + Math.abs(m[13]!) + Math.abs(m[14]!) + Math.abs(m[15]! - 1) > rigidTolerance)
    return `the last row is [${m.slice(12).join(', ')}], not [0, 0, 0, 1]`
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const dot = m[i]! * m[j]! + m[4 + i]! * m[4 + j]! + m[8 + i]! * m[8 + j]!
      if (Math.abs(dot - (i === j ? 1 : 0)) > rigidTolerance * 10)
        return 'the rotation part is not orthonormal (scaled or sheared pose)'
    }
  const det =
    m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) -
    m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) +
    m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!)
  return det > 0 ? null : 'the rotation part is a reflection (determinant < 0)'
}

/**
 * Sources with a negative focal length (ICL-NUIM has fy < 0) back-project that axis mirrored. The
 * session keeps fx, fy > 0, so the camera gets an axis flip F and the world the same one: F·W·F stays
 * rigid and frames stay consistent with each other (the map is the source world mirrored).
 */
export function mirrorPoseForNegativeFocal(worldFromCamera: Matrix4, flipX: boolean, flipY: boolean): Matrix4 {
  const flip: Matrix4 = [flipX ? -1 : 1, 0, 0, 0, 0, flipY ? -1 : 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
  return multiply4(multiply4(flip, worldFromCamera), flip)
}
