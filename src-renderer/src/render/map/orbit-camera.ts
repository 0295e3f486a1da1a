/**
 * The map explorer's camera: orbit around a target (drag), pan (right/shift drag), zoom (wheel) and
 * fly (WASD/QE moves the target along the view). World "up" comes from the session's camera poses,
 * since recordings disagree on it (z-up synthetic scenes, y-down Kinect logs). Framework-free.
 */
import { mat4, vec3 } from 'gl-matrix'
import type { MapBounds } from '@contract'

export interface OrbitCamera {
  target: vec3
  distance: number
  /** Radians around `up`, and above the horizontal plane. */
  yaw: number
  pitch: number
  up: vec3
  fovYRadians: number
}

const maxPitch = Math.PI / 2 - 0.01

export function createCamera(up: vec3 = vec3.fromValues(0, 0, 1)): OrbitCamera {
  return {
    target: vec3.create(),
    distance: 5,
    yaw: -Math.PI / 4,
    pitch: 0.5,
    up: vec3.normalize(vec3.create(), up),
    fovYRadians: (50 * Math.PI) / 180,
  }
}

/** An orthonormal basis (right, forward-horizontal, up) around the camera's up vector. */
function basis(camera: OrbitCamera): { a: vec3; b: vec3 } {
  const helper = Math.abs(camera.up[0]) < 0.9 ? vec3.fromValues(1, 0, 0) : vec3.fromValues(0, 1, 0)
  const a = vec3.normalize(vec3.create(), vec3.cross(vec3.create(), camera.up, helper))
  const b = vec3.cross(vec3.create(), camera.up, a)
  return { a, b }
}

export function eyePosition(camera: OrbitCamera): vec3 {
  const { a, b } = basis(camera)
  const dir = vec3.create()
  vec3.scaleAndAdd(dir, dir, a, Math.cos(camera.pitch) * Math.cos(camera.yaw))
  vec3.scaleAndAdd(dir, dir, b, Math.cos(camera.pitch) * Math.sin(camera.yaw))
  vec3.scaleAndAdd(dir, dir, camera.up, Math.sin(camera.pitch))
  return vec3.scaleAndAdd(vec3.create(), camera.target, dir, camera.distance)
}

export function viewMatrix(camera: OrbitCamera): mat4 {
  return mat4.lookAt(mat4.create(), eyePosition(camera), camera.target, camera.up)
}

export function projectionMatrix(camera: OrbitCamera, aspect: number): mat4 {
  return mat4.perspective(
    mat4.create(),
    camera.fovYRadians,
    aspect,
    Math.max(0.01, camera.distance / 1000),
    camera.distance * 100 + 100,
  )
}

export function orbit(camera: OrbitCamera, dxPixels: number, dyPixels: number): void {
  camera.yaw -= dxPixels * 0.008
  camera.pitch = Math.min(maxPitch, Math.max(-maxPitch, camera.pitch + dyPixels * 0.008))
}

/** Moves the target in the view plane; `viewHeightPixels` makes the drag follow the cursor. */
export function pan(camera: OrbitCamera, dxPixels: number, dyPixels: number, viewHeightPixels: number): void {
  const view = viewMatrix(camera)
  const right = vec3.fromValues(view[0], view[4], view[8])
  const upScreen = vec3.fromValues(view[1], view[5], view[9])
  const metresPerPixel = (2 * camera.distance * Math.tan(camera.fovYRadians / 2)) / viewHeightPixels
  vec3.scaleAndAdd(camera.target, camera.target, right, -dxPixels * metresPerPixel)
  vec3.scaleAndAdd(camera.target, camera.target, upScreen, dyPixels * metresPerPixel)
}

export function zoom(camera: OrbitCamera, factor: number): void {
  camera.distance = Math.min(1e4, Math.max(0.05, camera.distance * factor))
}

/** Fly: move the target (and so the eye) along the view direction, sideways and up, in metres. */
export function fly(camera: OrbitCamera, forward: number, right: number, up: number): void {
  const view = viewMatrix(camera)
  const rightAxis = vec3.fromValues(view[0], view[4], view[8])
  const back = vec3.fromValues(view[2], view[6], view[10])
  vec3.scaleAndAdd(camera.target, camera.target, back, -forward)
  vec3.scaleAndAdd(camera.target, camera.target, rightAxis, right)
  vec3.scaleAndAdd(camera.target, camera.target, camera.up, up)
}

/** The default view of a map: its centre, from above at an angle, the whole extent in view. */
export function frameBounds(camera: OrbitCamera, bounds: MapBounds): void {
  const min = bounds.minMeters
  const max = bounds.maxMeters
  vec3.set(camera.target, (min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2)
  const diagonal = Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2])
  camera.distance = Math.max(0.5, (0.42 * diagonal) / Math.tan(camera.fovYRadians / 2))
  camera.yaw = -Math.PI / 4
  camera.pitch = 0.7
}

/**
 * Distance at which a thing of `sizeMeters` fills about half the view: close enough to recognise,
 * far enough to see what is around it (never nearer than 1.2 m, where voxels become blobs).
 */
export function framingDistance(camera: OrbitCamera, sizeMeters: number): number {
  return Math.max(1.2, sizeMeters / Math.tan(camera.fovYRadians / 2))
}

/** Centre the view on a point ("go to"). */
export function focusOn(camera: OrbitCamera, point: [number, number, number], distance = 3): void {
  vec3.set(camera.target, point[0], point[1], point[2])
  camera.distance = distance
}

/** World-space ray through a canvas point given in normalised device coordinates (−1..1, y up). */
export function rayThrough(
  camera: OrbitCamera,
  aspect: number,
  ndcX: number,
  ndcY: number,
): { origin: vec3; direction: vec3 } {
  const inverse =
    mat4.invert(mat4.create(), mat4.multiply(mat4.create(), projectionMatrix(camera, aspect), viewMatrix(camera))) ??
    mat4.create()
  const near = vec3.transformMat4(vec3.create(), vec3.fromValues(ndcX, ndcY, -1), inverse)
  const far = vec3.transformMat4(vec3.create(), vec3.fromValues(ndcX, ndcY, 1), inverse)
  return { origin: near, direction: vec3.normalize(vec3.create(), vec3.subtract(vec3.create(), far, near)) }
}

/** Bounds of a point array (x, y, z, x, y, z, …), or null when empty. */
export function boundsOfPositions(positions: Float32Array): MapBounds | null {
  if (positions.length < 3) return null
  const minMeters: [number, number, number] = [Infinity, Infinity, Infinity]
  const maxMeters: [number, number, number] = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < positions.length; i++) {
    const a = i % 3
    minMeters[a] = Math.min(minMeters[a]!, positions[i]!)
    maxMeters[a] = Math.max(maxMeters[a]!, positions[i]!)
  }
  return { minMeters, maxMeters }
}

/** Up direction of a recording: the mean of its cameras' "up" (−y of OpenCV cameras) in the world. */
export function upFromPoses(worldFromCamera: number[][]): vec3 {
  const up = vec3.create()
  for (const m of worldFromCamera) vec3.add(up, up, vec3.fromValues(-m[1]!, -m[5]!, -m[9]!))
  return vec3.length(up) > 1e-6 ? vec3.normalize(up, up) : vec3.fromValues(0, 0, 1)
}
