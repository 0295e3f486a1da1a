/** Pixel → 3D point in the OpenCV camera frame (x right, y down, z forward) and in the world frame. */
export interface PinholeCamera {
  fx: number
  fy: number
  cx: number
  cy: number
}

export type Vec3 = [number, number, number]

/** Camera-frame point of pixel (x, y) at `depthMeters`; x, y use the same pixel convention as cx, cy. */
export function pointInCamera(camera: PinholeCamera, x: number, y: number, depthMeters: number): Vec3 {
  return [((x - camera.cx) * depthMeters) / camera.fx, ((y - camera.cy) * depthMeters) / camera.fy, depthMeters]
}

/** Applies a row-major 4×4 rigid transform to a point. */
export function transformPoint(rowMajor: readonly number[], p: Vec3): Vec3 {
  const m = (i: number) => rowMajor[i] as number
  return [
    m(0) * p[0] + m(1) * p[1] + m(2) * p[2] + m(3),
    m(4) * p[0] + m(5) * p[1] + m(6) * p[2] + m(7),
    m(8) * p[0] + m(9) * p[1] + m(10) * p[2] + m(11),
  ]
}

export interface PixelReading {
  /** Null where the pixel has no depth. */
  depthMeters: number | null
  inCamera: Vec3 | null
  /** Null without depth or without a pose. */
  inWorld: Vec3 | null
}

/** Depth and 3D point of pixel (x, y) of a raw depth image (`scale` metres per unit, 0 = invalid). */
export function readPixel(
  depth: { width: number; scale: number; data: Uint16Array },
  camera: PinholeCamera,
  worldFromCamera: readonly number[] | null,
  x: number,
  y: number,
): PixelReading {
  const raw = depth.data[y * depth.width + x] ?? 0
  if (raw === 0) return { depthMeters: null, inCamera: null, inWorld: null }
  const depthMeters = raw * depth.scale
  const inCamera = pointInCamera(camera, x, y, depthMeters)
  return { depthMeters, inCamera, inWorld: worldFromCamera ? transformPoint(worldFromCamera, inCamera) : null }
}
