/**
 * A ROS tf tree built from /tf_static and /tf, to look up `worldFromCamera` at an image's time:
 * the chain from the camera frame up to the world frame (the tree's root unless chosen), with
 * dynamic transforms interpolated (linear translation, slerp rotation) between their samples.
 */
import { matrixFromTranslationQuaternion, multiply4, identity4, type Matrix4 } from './pose-math'
import { stampSeconds, type RosTime } from './ros-images'

export interface RosTransformStamped {
  header: { stamp: RosTime; frame_id: string }
  child_frame_id: string
  transform: {
    translation: { x: number; y: number; z: number }
    rotation: { x: number; y: number; z: number; w: number }
  }
}

interface Sample {
  timeSec: number
  translation: [number, number, number]
  rotation: [number, number, number, number]
}

interface Edge {
  parent: string
  isStatic: boolean
  samples: Sample[]
}

const stripSlash = (frame: string): string => frame.replace(/^\//, '')

function slerp(a: Sample['rotation'], b: Sample['rotation'], f: number): Sample['rotation'] {
  let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
  const sign = dot < 0 ? -1 : 1
  dot *= sign
  if (dot > 0.9995) return a.map((v, i) => v + (sign * b[i]! - v) * f) as Sample['rotation']
  const theta = Math.acos(dot)
  const wa = Math.sin((1 - f) * theta) / Math.sin(theta)
  const wb = (sign * Math.sin(f * theta)) / Math.sin(theta)
  return a.map((v, i) => wa * v + wb * b[i]!) as Sample['rotation']
}

export class TfBuffer {
  private readonly edges = new Map<string, Edge>()

  add(transform: RosTransformStamped, isStatic: boolean): void {
    const child = stripSlash(transform.child_frame_id)
    const parent = stripSlash(transform.header.frame_id)
    const { translation: t, rotation: q } = transform.transform
    const sample: Sample = {
      timeSec: stampSeconds(transform.header.stamp),
      translation: [t.x, t.y, t.z],
      rotation: [q.x, q.y, q.z, q.w],
    }
    const edge = this.edges.get(child)
    if (!edge || edge.parent !== parent || isStatic) this.edges.set(child, { parent, isStatic, samples: [sample] })
    else edge.samples.push(sample)
  }

  get size(): number {
    return this.edges.size
  }

  /**
   * Forgets dynamic samples more than `keepSec` older than their edge's newest, keeping two: a live
   * link's tree stays the size of a window instead of growing with every /tf message.
   */
  forgetOlderThan(keepSec: number): void {
    for (const edge of this.edges.values()) {
      if (edge.isStatic || edge.samples.length <= 2) continue
      const newestSec = edge.samples.reduce((newest, s) => Math.max(newest, s.timeSec), Number.NEGATIVE_INFINITY)
      const kept = edge.samples.filter((s) => s.timeSec >= newestSec - keepSec)
      edge.samples = kept.length >= 2 ? kept : edge.samples.slice(-2)
    }
  }

  /** Sorts dynamic samples once all messages are in. */
  finish(): void {
    for (const edge of this.edges.values()) edge.samples.sort((a, b) => a.timeSec - b.timeSec)
  }

  private edgeAt(edge: Edge, timeSec: number, maxGapSec: number): Matrix4 | null {
    const s = edge.samples
    if (edge.isStatic || s.length === 1) {
      const only = s[0]!
      return edge.isStatic || Math.abs(only.timeSec - timeSec) <= maxGapSec
        ? matrixFromTranslationQuaternion(only.translation, only.rotation)
        : null
    }
    let hi = s.findIndex((x) => x.timeSec >= timeSec)
    if (hi === -1) hi = s.length - 1
    const lo = Math.max(0, hi - 1)
    const a = s[lo]!
    const b = s[hi]!
    if (timeSec < a.timeSec - maxGapSec || timeSec > b.timeSec + maxGapSec) return null
    const f = b.timeSec > a.timeSec ? Math.min(1, Math.max(0, (timeSec - a.timeSec) / (b.timeSec - a.timeSec))) : 0
    const translation = a.translation.map((v, i) => v + (b.translation[i]! - v) * f)
    return matrixFromTranslationQuaternion(translation, slerp(a.rotation, b.rotation, f))
  }

  /** The root frame above `frame` (the world when none is chosen). */
  rootOf(frame: string): string {
    let current = stripSlash(frame)
    for (let guard = 0; guard < 64 && this.edges.has(current); guard++) current = this.edges.get(current)!.parent
    return current
  }

  /** `worldFromFrame` at `timeSec`, or the reason it cannot be looked up. */
  lookup(frame: string, worldFrame: string, timeSec: number, maxGapSec: number): Matrix4 | string {
    let current = stripSlash(frame)
    // Walking up from the camera: ancestorFromFrame = parentFromCurrent · ancestorFromFrame.
    let ancestorFromFrame = identity4
    for (let guard = 0; current !== stripSlash(worldFrame); guard++) {
      const edge = this.edges.get(current)
      if (!edge || guard > 64) return `no tf chain from "${frame}" to "${worldFrame}"`
      const parentFromCurrent = this.edgeAt(edge, timeSec, maxGapSec)
      if (!parentFromCurrent)
        return `no tf "${edge.parent}" → "${current}" within ${maxGapSec} s of ${timeSec.toFixed(3)} s`
      ancestorFromFrame = multiply4(parentFromCurrent, ancestorFromFrame)
      current = edge.parent
    }
    return ancestorFromFrame
  }
}
