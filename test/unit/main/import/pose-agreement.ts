/**
 * Pose-convention check for imported sessions: back-project frame i's depth, move the points into
 * frame j's camera with the session poses, and count how many land within a tolerance of frame j's
 * own depth. Correct camera→world poses give a high share; a wrong convention gives a low one.
 */
import { join } from 'node:path'
import type { SessionManifest } from '../../../../src-main/contract'
import { invertRigid, multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import { readDepthPng } from './import-test-kit'

export async function poseAgreement(
  sessionDir: string,
  manifest: SessionManifest,
  i: number,
  j: number,
  options: { toleranceMeters: number; invertPoses?: boolean; stride?: number },
): Promise<{ share: number; compared: number }> {
  const { camera, depthUnitMeters, depthInvalidValues } = manifest
  const fi = manifest.frames[i]!
  const fj = manifest.frames[j]!
  if (!fi.worldFromCamera || !fj.worldFromCamera) throw new Error('both frames need poses')
  const pose = (m: number[]): number[] => (options.invertPoses ? invertRigid(m) : m)
  const jFromI = multiply4(invertRigid(pose(fj.worldFromCamera)), pose(fi.worldFromCamera))
  const [di, dj] = await Promise.all([readDepthPng(join(sessionDir, fi.depth)), readDepthPng(join(sessionDir, fj.depth))])
  const invalid = new Set(depthInvalidValues)
  const stride = options.stride ?? 4
  let compared = 0
  let agreeing = 0
  for (let v = 0; v < di.height; v += stride)
    for (let u = 0; u < di.width; u += stride) {
      const raw = di.data[v * di.width + u]!
      if (invalid.has(raw)) continue
      const z = raw * depthUnitMeters
      const x = ((u - camera.cx) / camera.fx) * z
      const y = ((v - camera.cy) / camera.fy) * z
      const m = jFromI
      const xj = m[0]! * x + m[1]! * y + m[2]! * z + m[3]!
      const yj = m[4]! * x + m[5]! * y + m[6]! * z + m[7]!
      const zj = m[8]! * x + m[9]! * y + m[10]! * z + m[11]!
      if (zj <= 0.05) continue
      const uj = Math.round((xj / zj) * camera.fx + camera.cx)
      const vj = Math.round((yj / zj) * camera.fy + camera.cy)
      if (uj < 0 || vj < 0 || uj >= dj.width || vj >= dj.height) continue
      const rawJ = dj.data[vj * dj.width + uj]!
      if (invalid.has(rawJ)) continue
      compared++
      if (Math.abs(rawJ * depthUnitMeters - zj) <= options.toleranceMeters) agreeing++
    }
  return { share: compared ? agreeing / compared : 0, compared }
}
