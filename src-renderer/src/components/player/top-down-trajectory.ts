/**
 * The camera trajectory seen from above, for the Player's plot. Sessions state no gravity axis
 * (docs/FORMATS.md: world frames differ by dataset), so "up" is estimated from the poses: the mean of
 * the cameras' up vectors (OpenCV −y) when the cameras were held consistently upright, as handheld
 * and robot recordings are; otherwise the normal of the camera positions' principal plane. The plot's
 * x is world x projected into the ground plane (world y where x is near up), its y is up × x, so the
 * view is not mirrored; both in metres from the world origin.
 */
import type { Vec3 } from './back-project'

export type UpSource = 'camera-up' | 'principal-plane'

export interface TopDownTrajectory {
  up: Vec3
  upFrom: UpSource
  /** Names of the world axes the plot's x and y mostly follow (e.g. "x", "−y"). */
  axisNames: [string, string]
  /** Per frame: ground-plane position in metres, null for a frame without pose. */
  points: Array<[number, number] | null>
  /** Per frame: unit viewing direction in the ground plane, null without pose or looking straight up/down. */
  headings: Array<[number, number] | null>
  bounds: { minX: number; maxX: number; minY: number; maxY: number }
}

/** Mean camera up vectors at least this long (1 = all identical) count as a consistent upright camera. */
const consistentUp = 0.7

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s]
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
]
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2])
const unit = (a: Vec3): Vec3 => scale(a, 1 / (norm(a) || 1))

/** Column `c` of a row-major 4×4 (its rotation part). */
const column = (m: readonly number[], c: number): Vec3 => [m[c] ?? 0, m[4 + c] ?? 0, m[8 + c] ?? 0]

/** Unit normal of the best-fit plane through `points` (eigenvector of the smallest covariance eigenvalue). */
function planeNormal(points: Vec3[]): Vec3 {
  const mean = scale(
    points.reduce<Vec3>((s, p) => [s[0] + p[0], s[1] + p[1], s[2] + p[2]], [0, 0, 0]),
    1 / points.length,
  )
  const c = [0, 0, 0, 0, 0, 0, 0, 0, 0]
  for (const p of points) {
    const d = sub(p, mean)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) c[3 * i + j] = (c[3 * i + j] ?? 0) + (d[i] ?? 0) * (d[j] ?? 0)
  }
  // Power iteration on trace·I − C: its largest eigenvector is C's smallest.
  const trace = (c[0] ?? 0) + (c[4] ?? 0) + (c[8] ?? 0)
  let v: Vec3 = unit([0.31, 0.47, 0.83])
  for (let k = 0; k < 100; k++) {
    const next: Vec3 = [0, 1, 2].map(
      (i) => trace * (v[i] ?? 0) - ((c[3 * i] ?? 0) * v[0] + (c[3 * i + 1] ?? 0) * v[1] + (c[3 * i + 2] ?? 0) * v[2]),
    ) as Vec3
    if (norm(next) === 0) break
    v = unit(next)
  }
  return v
}

export function topDownTrajectory(poses: ReadonlyArray<readonly number[] | null>): TopDownTrajectory | null {
  const posed = poses.filter((p): p is readonly number[] => p !== null)
  if (posed.length === 0) return null
  const meanUp = scale(
    posed.reduce<Vec3>((s, m) => sub(s, column(m, 1)), [0, 0, 0]),
    1 / posed.length,
  )
  const positions = posed.map((m) => column(m, 3))
  let up: Vec3
  let upFrom: UpSource
  if (norm(meanUp) >= consistentUp || posed.length < 3) {
    up = unit(meanUp)
    upFrom = 'camera-up'
  } else {
    const normal = planeNormal(positions)
    // Of the two normals, the one on the cameras' mean up side.
    up = dot(normal, meanUp) < 0 ? scale(normal, -1) : normal
    upFrom = 'principal-plane'
  }
  const worldAxes: Vec3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]
  // World x when it lies at least 45° from up (z-up and y-up worlds alike), else y.
  const along = worldAxes.find((a) => Math.abs(dot(a, up)) < Math.SQRT1_2) ?? (worldAxes[1] as Vec3)
  const xAxis = unit(sub(along, scale(up, dot(along, up))))
  const yAxis = cross(up, xAxis)
  const names = ['x', 'y', 'z']
  const nameOf = (a: Vec3) => {
    const k = [0, 1, 2].reduce((best, i) => (Math.abs(a[i] ?? 0) > Math.abs(a[best] ?? 0) ? i : best), 0)
    return `${(a[k] ?? 0) < 0 ? '−' : ''}${names[k]}`
  }
  const points = poses.map((m): [number, number] | null => {
    if (!m) return null
    const p = column(m, 3)
    return [dot(p, xAxis), dot(p, yAxis)]
  })
  const headings = poses.map((m): [number, number] | null => {
    if (!m) return null
    const forward = column(m, 2)
    const h: [number, number] = [dot(forward, xAxis), dot(forward, yAxis)]
    const length = Math.hypot(h[0], h[1])
    return length < 0.1 ? null : [h[0] / length, h[1] / length]
  })
  const xs = points.flatMap((p) => (p ? [p[0]] : []))
  const ys = points.flatMap((p) => (p ? [p[1]] : []))
  return {
    up,
    upFrom,
    axisNames: [nameOf(xAxis), nameOf(yAxis)],
    points,
    headings,
    bounds: { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) },
  }
}
