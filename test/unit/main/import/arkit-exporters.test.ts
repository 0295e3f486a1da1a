/**
 * iPhone LiDAR exporters (Polycam raw export, Stray Scanner) rebuilt from real 7-Scenes frames:
 * half-resolution depth, intrinsics given for the colour image, ARKit camera→world poses with
 * OpenGL axes. The import scales the intrinsics to the depth, converts the poses and keeps metres.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { detectFormats } from '../../../../src-main/services/recordings/import'
import { multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import { importInto, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import {
  copyColour,
  half,
  halfDepth,
  loadRealFrames,
  maxDifference,
  medianMeters,
  openGlFromOpenCv,
  writePolycamExport,
  quaternionOf,
  type RealFrame,
} from './real-frame-recordings'
import { writeDepthPng, writeText } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('arkit-src', 'arkit-lib')

describe.skipIf(!sevenScenes)(
  `ARKit exporters from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 4)
    })
    const library = (): string => dirs['arkit-lib']

    it('Polycam keyframes: colour intrinsics scaled to the depth, OpenGL camera→world poses converted', async () => {
      const dir = join(dirs['arkit-src'], 'polycam')
      await writePolycamExport(dir, frames)
      expect((await detectFormats(dir))[0]?.format).toBe('polycam')
      const { manifest, report } = await importInto(library(), dir)
      expect(manifest.camera).toMatchObject({ width: 320, height: 240, fx: 292.5, fy: 292.5, cx: 159.75, cy: 119.75 })
      expect(report.warnings.join('\n')).toMatch(/gives them for 640×480; scaled to the 320×240 depth/)
      expect(report.decisions?.poses.convention).toBe('camera-to-world-opengl')
      for (const [k, f] of manifest.frames.entries())
        expect(maxDifference(f.worldFromCamera!, frames[k]!.pose)).toBeLessThan(1e-6)
      expect(report.decisions?.depth.medianMeters).toBeCloseTo(medianMeters(frames), 1)
      expect(manifest.frames.map((f) => f.timestampSec)).toEqual(
        [0, 0.1, 0.2, 0.30000000000000004].map((t) => expect.closeTo(t, 9)),
      )
    })

    it('Stray Scanner: camera_matrix.csv scaled, odometry.csv quaternions (OpenGL axes) converted', async () => {
      const dir = join(dirs['arkit-src'], 'stray')
      const rows = ['timestamp, frame, x, y, z, qx, qy, qz, qw']
      for (const [k, f] of frames.entries()) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${String(k).padStart(6, '0')}.jpg`))
        await writeDepthPng(
          join(dir, 'depth', `${String(k).padStart(6, '0')}.png`),
          halfDepth(f.depthMm),
          half.width,
          half.height,
        )
        const t = multiply4(f.pose, openGlFromOpenCv)
        rows.push([k / 30, k, t[3], t[7], t[11], ...quaternionOf(t)].join(', '))
      }
      await writeText(join(dir, 'odometry.csv'), rows.join('\n') + '\n')
      await writeText(join(dir, 'camera_matrix.csv'), '585,0,320\n0,585,240\n0,0,1\n')
      expect((await detectFormats(dir))[0]?.format).toBe('stray-scanner')
      const { manifest, report } = await importInto(library(), dir)
      expect(manifest.camera).toMatchObject({ width: 320, height: 240, fx: 292.5, cx: 159.75 })
      expect(report.decisions?.poses.convention).toBe('camera-to-world-opengl')
      // The 7-Scenes poses are not exactly orthonormal, so the quaternion round trip differs slightly.
      for (const [k, f] of manifest.frames.entries())
        expect(maxDifference(f.worldFromCamera!, frames[k]!.pose)).toBeLessThan(0.01)
    })
  },
)
