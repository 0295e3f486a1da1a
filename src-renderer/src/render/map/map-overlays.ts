/** Line geometry of the camera trajectory and of frustums at a few of its frames (world metres). */
import type { MapInfo } from '@contract'

/** A frustum is drawn every n-th fused frame, at this depth in metres. */
const frustumDepthMeters = 0.25

export function trajectoryLines(info: MapInfo, frustums = 12): Float32Array {
  const c = info.trajectory.centersMeters
  const segments: number[] = []
  for (let i = 3; i < c.length; i += 3) segments.push(c[i - 3]!, c[i - 2]!, c[i - 1]!, c[i]!, c[i + 1]!, c[i + 2]!)
  const poses = info.trajectory.worldFromCamera
  const every = Math.max(1, Math.ceil(poses.length / frustums))
  const { width, height, fx, fy, cx, cy } = info.camera
  const corners = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ].map(([u, v]) => [((u! - cx) / fx) * frustumDepthMeters, ((v! - cy) / fy) * frustumDepthMeters, frustumDepthMeters])
  for (let p = 0; p < poses.length; p += every) {
    const m = poses[p]!
    const world = (x: number, y: number, z: number): number[] => [
      m[0]! * x + m[1]! * y + m[2]! * z + m[3]!,
      m[4]! * x + m[5]! * y + m[6]! * z + m[7]!,
      m[8]! * x + m[9]! * y + m[10]! * z + m[11]!,
    ]
    const apex = world(0, 0, 0)
    const ring = corners.map(([x, y, z]) => world(x!, y!, z!))
    ring.forEach((corner, k) => segments.push(...apex, ...corner, ...corner, ...ring[(k + 1) % 4]!))
  }
  return new Float32Array(segments)
}
