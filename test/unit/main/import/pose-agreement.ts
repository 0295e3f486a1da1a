/**
 * Pose-convention check for imported sessions: the importer's own overlap measure (pose-overlap.ts)
 * on two session frames. Correct camera→world poses give a high share; a wrong convention a low one.
 */
import { join } from 'node:path'
import type { SessionManifest } from '../../../../src-main/contract'
import {
  depthOverlap,
  type MetricDepth,
  type Overlap,
} from '../../../../src-main/services/recordings/import/pose-overlap'
import { invertRigid, multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import { readDepthPng } from './import-test-kit'

async function metricDepth(path: string, unitMeters: number, invalid: ReadonlySet<number>): Promise<MetricDepth> {
  const depth = await readDepthPng(path)
  return {
    width: depth.width,
    height: depth.height,
    meters: Float32Array.from(depth.data, (raw) => (invalid.has(raw) ? 0 : raw * unitMeters)),
  }
}

export async function poseAgreement(
  sessionDir: string,
  manifest: SessionManifest,
  i: number,
  j: number,
  options: { toleranceMeters: number; invertPoses?: boolean; stride?: number },
): Promise<Overlap> {
  const { camera, depthUnitMeters, depthInvalidValues } = manifest
  const fi = manifest.frames[i]!
  const fj = manifest.frames[j]!
  if (!fi.worldFromCamera || !fj.worldFromCamera) throw new Error('both frames need poses')
  const pose = (m: number[]): number[] => (options.invertPoses ? invertRigid(m) : m)
  const jFromI = multiply4(invertRigid(pose(fj.worldFromCamera)), pose(fi.worldFromCamera))
  const invalid = new Set(depthInvalidValues)
  const [di, dj] = await Promise.all(
    [fi, fj].map((f) => metricDepth(join(sessionDir, f.depth), depthUnitMeters, invalid)),
  )
  return depthOverlap(di!, dj!, camera, jFromI, options)
}
