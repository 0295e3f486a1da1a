/**
 * Small recordings in other datasets' conventions built from REAL frames (the shared 7-Scenes
 * excerpt): depth re-encoded to each unit and bit layout, sidecars written, timestamps shuffled.
 * The tests import them and check that the same metric depth, order and poses come back.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { encode } from 'fast-png'
import { multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import { readDepthPng } from './import-test-kit'
import { writeDepthPng, writeText } from './synthetic-sources'

export interface RealFrame {
  number: number
  colourJpg: string
  depthMm: Uint16Array
  /** Row-major 4×4 camera→world (OpenCV), from the source. */
  pose: number[]
}

export const frameSize = { width: 640, height: 480 }
export const sevenScenesIntrinsics = { fx: 585, fy: 585, cx: 320, cy: 240 }

/** Frames 0, 10, … of the excerpt (consecutive ones overlap about 98 %). */
export async function loadRealFrames(sevenScenes: string, count: number): Promise<RealFrame[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const stem = `frame-${String(k * 10).padStart(6, '0')}`
      const depth = await readDepthPng(join(sevenScenes, `${stem}.depth.png`))
      const pose = (await readFile(join(sevenScenes, `${stem}.pose.txt`), 'utf8')).trim().split(/\s+/).map(Number)
      // 65535 is 7-Scenes' own invalid code; every convention below writes "no depth" its own way.
      return {
        number: k * 10,
        colourJpg: join(sevenScenes, `${stem}.color.jpg`),
        depthMm: depth.data.map((v) => (v === 65535 ? 0 : v)),
        pose,
      }
    }),
  )
}

/** Median of the valid depth in metres over the frames. */
export function medianMeters(frames: ReadonlyArray<{ depthMm: Uint16Array }>): number {
  const values = Float64Array.from(frames.flatMap((f) => [...f.depthMm].filter((v) => v > 0))).sort()
  return values[values.length >> 1]! / 1000
}

export async function writePng16(path: string, data: Uint16Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, encode({ ...frameSize, data, depth: 16, channels: 1 }))
}

export async function copyColour(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true })
  await copyFile(from, to)
}

/** Re-encodings of millimetres into other datasets' raw values (0 stays "no depth"). */
export const encodeMm = {
  tum: (mm: number): number => Math.min(65535, mm * 5),
  tenthMm: (mm: number): number => Math.min(65534, mm * 10),
  byteSwapped: (mm: number): number => ((mm & 0xff) << 8) | (mm >> 8),
  circularShift3: (mm: number): number => ((mm << 3) | (mm >> 13)) & 0xffff,
  /** Kinect v1 raw disparity (NYU toolbox fit), 2047 where there is no depth. */
  kinectDisparity: (mm: number): number => (mm > 0 ? Math.round(1092.5 - 351.3 / (mm / 1000)) : 2047),
}

export function mapDepth(depthMm: Uint16Array, encodeOne: (mm: number) => number): Uint16Array {
  return depthMm.map((mm) => (mm > 0 ? encodeOne(mm) : encodeOne === encodeMm.kinectDisparity ? 2047 : 0))
}

export const matrixLines = (m: readonly number[]): string =>
  [0, 1, 2, 3].map((r) => m.slice(r * 4, r * 4 + 4).join(' ')).join('\n') + '\n'

// ---- iPhone LiDAR exporters: low-resolution depth, OpenGL-axis poses ----

/** OpenCV camera axes to OpenGL's (ARKit exporters' poses). */
export const openGlFromOpenCv = [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]
export const half = { width: 320, height: 240 }

/** Every other pixel of every other row: the LiDAR-like low-resolution depth. */
export const halfDepth = (mm: Uint16Array): Uint16Array =>
  Uint16Array.from(
    { length: half.width * half.height },
    (_, p) => mm[Math.floor(p / half.width) * 2 * 640 + (p % half.width) * 2]!,
  )

/** Quaternion (x, y, z, w) of a rotation matrix (row-major 4×4), for odometry.csv; branches on the largest diagonal term for stability. */
export function quaternionOf(m: number[]): number[] {
  const [a, b, c] = [m[0]!, m[5]!, m[10]!]
  const trace = a + b + c
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace)
    return [(m[9]! - m[6]!) / s, (m[2]! - m[8]!) / s, (m[4]! - m[1]!) / s, s / 4]
  }
  if (a > b && a > c) {
    const s = 2 * Math.sqrt(1 + a - b - c)
    return [s / 4, (m[1]! + m[4]!) / s, (m[2]! + m[8]!) / s, (m[9]! - m[6]!) / s]
  }
  if (b > c) {
    const s = 2 * Math.sqrt(1 + b - a - c)
    return [(m[1]! + m[4]!) / s, s / 4, (m[6]! + m[9]!) / s, (m[2]! - m[8]!) / s]
  }
  const s = 2 * Math.sqrt(1 + c - a - b)
  return [(m[2]! + m[8]!) / s, (m[6]! + m[9]!) / s, s / 4, (m[4]! - m[1]!) / s]
}

export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let most = 0
  for (let k = 0; k < a.length; k++) most = Math.max(most, Math.abs(a[k]! - b[k]!))
  return most
}

/** A Polycam keyframe camera JSON: the 7-Scenes intrinsics of the 640×480 colour, the pose camera→world with OpenGL axes. */
export function polycamCameraJson(pose: number[], timestampSec: number): string {
  const t = multiply4(pose, openGlFromOpenCv)
  const rows = [0, 1, 2].flatMap((r) => [0, 1, 2, 3].map((c) => [`t_${r}${c}`, t[r * 4 + c]]))
  const intrinsics = { fx: 585, fy: 585, cx: 320, cy: 240, width: 640, height: 480 }
  return JSON.stringify({ ...intrinsics, timestamp: timestampSec, ...Object.fromEntries(rows) })
}

/** Record3D metadata.json: K column-major for the 640×480 colour, poses [qx qy qz qw tx ty tz] camera→world (OpenGL axes). */
export function record3dMetadataJson(poses: number[][], fps: number): string {
  const entries = poses.map((pose) => {
    const t = multiply4(pose, openGlFromOpenCv)
    return [...quaternionOf(t), t[3], t[7], t[11]]
  })
  return JSON.stringify({ w: 640, h: 480, fps, K: [585, 0, 0, 0, 585, 0, 320, 240, 1], poses: entries })
}

/** A Polycam keyframes export of `frames` (half-resolution depth, camera JSONs); `colour` writes each frame's image. */
export async function writePolycamExport(
  dir: string,
  frames: readonly RealFrame[],
  colour: (frame: RealFrame, path: string) => Promise<void> = (f, path) => copyColour(f.colourJpg, path),
): Promise<void> {
  for (const [k, f] of frames.entries()) {
    const stamp = String(1700000000 + k)
    await colour(f, join(dir, 'keyframes', 'images', `${stamp}.jpg`))
    await writeDepthPng(join(dir, 'keyframes', 'depth', `${stamp}.png`), halfDepth(f.depthMm), half.width, half.height)
    await writeText(join(dir, 'keyframes', 'cameras', `${stamp}.json`), polycamCameraJson(f.pose, k / 10))
  }
}
