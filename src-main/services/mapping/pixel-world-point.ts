/** Player → map: the world point under a pixel, from the frame's depth and pose. */
import type { LoadedFrame } from '../ports'

/** Pixels searched around the click for valid depth (holes at edges are common). */
const searchRadius = 3

export function pixelWorldPoint(frame: LoadedFrame, xNorm: number, yNorm: number): [number, number, number] | null {
  const { width, height, data } = frame.depthMeters
  const m = frame.worldFromCamera
  if (!m) return null
  const u0 = Math.min(width - 1, Math.floor(xNorm * width))
  const v0 = Math.min(height - 1, Math.floor(yNorm * height))
  for (let r = 0; r <= searchRadius; r++) {
    for (let dv = -r; dv <= r; dv++) {
      for (let du = -r; du <= r; du++) {
        const u = u0 + du
        const v = v0 + dv
        if (u < 0 || v < 0 || u >= width || v >= height) continue
        const d = data[v * width + u]!
        if (!(d > 0)) continue
        const { fx, fy, cx, cy } = frame.camera
        const px = ((u - cx) * d) / fx
        const py = ((v - cy) * d) / fy
        return [
          m[0]! * px + m[1]! * py + m[2]! * d + m[3]!,
          m[4]! * px + m[5]! * py + m[6]! * d + m[7]!,
          m[8]! * px + m[9]! * py + m[10]! * d + m[11]!,
        ]
      }
    }
  }
  return null
}
