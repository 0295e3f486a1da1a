/**
 * A ray-cast room for the map tests: a 4 × 3 × 2.5 m box room (z up) with a 0.6 m cube on the floor,
 * seen by a camera circling its centre. Depth, colour, labels and (fake) embeddings come from the
 * geometry, so the tests know the truth: which voxels are the cube, where it stands.
 */
import type { LabelClass, SessionManifest } from '../../../../src-main/contract'
import type {
  CameraIntrinsics,
  EmbeddingMap,
  EmbeddingProvider,
  FrameReader,
  LoadedFrame,
} from '../../../../src-main/services/ports'

export const room = { min: [0, 0, 0], max: [4, 3, 2.5] } as const
export const cube = { min: [2.2, 1.2, 0], max: [2.8, 1.8, 0.6] } as const
export const cubeCentre: [number, number, number] = [2.5, 1.5, 0.3]
export const labelClasses: LabelClass[] = [
  { id: 0, name: 'void', color: [0, 0, 0] },
  { id: 1, name: 'floor', color: [120, 90, 60] },
  { id: 2, name: 'wall', color: [200, 200, 200] },
  { id: 3, name: 'box', color: [220, 30, 30] },
]
export const camera: CameraIntrinsics = { width: 80, height: 60, fx: 60, fy: 60, cx: 39.5, cy: 29.5 }
export const embeddingDim = 16
const stride = 4

/** Pose of frame i of n: on a circle of radius 1.3 m around the room centre, looking at the cube. */
export function poseOf(i: number, n: number): number[] {
  const angle = (2 * Math.PI * i) / n
  const eye = [2 + 1.3 * Math.cos(angle), 1.5 + 1.3 * Math.sin(angle), 1.2]
  const f = normalise([cubeCentre[0] - eye[0]!, cubeCentre[1] - eye[1]!, cubeCentre[2] - eye[2]!])
  const r = normalise(cross(f, [0, 0, 1]))
  const d = cross(f, r)
  return [r[0]!, d[0]!, f[0]!, eye[0]!, r[1]!, d[1]!, f[1]!, eye[1]!, r[2]!, d[2]!, f[2]!, eye[2]!, 0, 0, 0, 1]
}

function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]
}
function normalise(v: number[]): number[] {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

/** Distance along a ray to the cube (entering) or the room (leaving), with the label hit. */
function castRay(o: number[], d: number[]): { t: number; label: number } {
  let tRoom = Infinity
  for (let a = 0; a < 3; a++) {
    if (d[a] === 0) continue
    const bound = d[a]! > 0 ? room.max[a]! : room.min[a]!
    tRoom = Math.min(tRoom, (bound - o[a]!) / d[a]!)
  }
  const hitZ = o[2]! + tRoom * d[2]!
  let best = { t: tRoom, label: hitZ < 1e-6 ? 1 : 2 }
  let tNear = -Infinity
  let tFar = Infinity
  for (let a = 0; a < 3; a++) {
    const t1 = (cube.min[a]! - o[a]!) / d[a]!
    const t2 = (cube.max[a]! - o[a]!) / d[a]!
    tNear = Math.max(tNear, Math.min(t1, t2))
    tFar = Math.min(tFar, Math.max(t1, t2))
  }
  if (tNear <= tFar && tNear > 0 && tNear < best.t) best = { t: tNear, label: 3 }
  return best
}

export interface RenderedFrame {
  depthMeters: Float32Array
  rgb: Uint8Array
  labels: Uint16Array
}

export function renderFrame(worldFromCamera: number[]): RenderedFrame {
  const { width, height, fx, fy, cx, cy } = camera
  const m = worldFromCamera
  const depthMeters = new Float32Array(width * height)
  const rgb = new Uint8Array(width * height * 3)
  const labels = new Uint16Array(width * height)
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const p = [(u - cx) / fx, (v - cy) / fy, 1]
      const dir = [
        m[0]! * p[0]! + m[1]! * p[1]! + m[2]!,
        m[4]! * p[0]! + m[5]! * p[1]! + m[6]!,
        m[8]! * p[0]! + m[9]! * p[1]! + m[10]!,
      ]
      const hit = castRay([m[3]!, m[7]!, m[11]!], dir)
      const i = v * width + u
      depthMeters[i] = hit.t // the ray's z component in the camera is 1, so t is the depth
      labels[i] = hit.label
      rgb.set(labelClasses[hit.label]!.color, i * 3)
    }
  }
  return { depthMeters, rgb, labels }
}

/** The embedding of a class: a fixed unit vector (classes are orthogonal, plus a shared part). */
export function classVector(label: number): Float32Array {
  const v = new Float32Array(embeddingDim)
  v[0] = 0.5
  v[label + 1] = 1
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

/** FrameReader + EmbeddingProvider over the room: n posed frames (poses replaced by `poses` if given). */
export class SyntheticRoom implements FrameReader, EmbeddingProvider {
  constructor(
    readonly frameTotal: number,
    private readonly poses: Array<number[] | null> = [],
  ) {}

  manifest(id = 'room'): SessionManifest {
    return {
      format: 'dve-session',
      version: 1,
      id,
      name: 'synthetic room',
      createdAt: '2026-11-26T00:00:00Z',
      source: { format: 'synthetic', path: 'test' },
      camera: { ...camera },
      rgbSize: { width: camera.width, height: camera.height },
      depthUnitMeters: 0.001,
      depthInvalidValues: [0],
      hasPoses: true,
      labelClasses,
      frames: Array.from({ length: this.frameTotal }, (_, i) => ({
        index: i,
        timestampSec: i / 10,
        sourceName: String(i),
        rgb: `rgb/${i}.png`,
        depth: `depth/${i}.png`,
        worldFromCamera: this.pose(i),
      })),
    }
  }

  pose(i: number): number[] | null {
    return i < this.poses.length ? (this.poses[i] ?? null) : poseOf(i, this.frameTotal)
  }

  async frameCount(): Promise<number> {
    return this.frameTotal
  }

  async loadFrame(sessionId: string, frameIndex: number): Promise<LoadedFrame> {
    const pose = this.pose(frameIndex)
    const frame = renderFrame(pose && pose.every(Number.isFinite) ? pose : poseOf(frameIndex, this.frameTotal))
    return {
      sessionId,
      frameIndex,
      timestampSec: frameIndex / 10,
      camera: { ...camera },
      worldFromCamera: pose,
      rgb: { width: camera.width, height: camera.height, data: frame.rgb },
      depthMeters: { width: camera.width, height: camera.height, data: frame.depthMeters },
    }
  }

  async loadLabels(
    _sessionId: string,
    frameIndex: number,
  ): Promise<{ width: number; height: number; data: Uint16Array }> {
    return { width: camera.width, height: camera.height, data: renderFrame(poseOf(frameIndex, this.frameTotal)).labels }
  }

  async frameEmbeddings(_sessionId: string, frameIndex: number): Promise<EmbeddingMap> {
    const labels = renderFrame(poseOf(frameIndex, this.frameTotal)).labels
    const width = camera.width / stride
    const height = camera.height / stride
    const data = new Float32Array(width * height * embeddingDim)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++)
        data.set(classVector(labels[(y * stride + 1) * camera.width + x * stride + 1]!), (y * width + x) * embeddingDim)
    }
    return { dim: embeddingDim, width, height, scaleX: stride, scaleY: stride, data }
  }

  async textEmbeddings(texts: string[]): Promise<Float32Array[]> {
    // Known class names map to their vector; anything else (the negatives) to a generic direction.
    return texts.map((t) => {
      const label = labelClasses.findIndex((c) => t.includes(c.name))
      if (label > 0) return classVector(label)
      const v = new Float32Array(embeddingDim)
      v[0] = 1
      return v
    })
  }

  activeModelId(): string | null {
    return 'synthetic'
  }
}
