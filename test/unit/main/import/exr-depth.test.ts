/**
 * EXR depth from real 7-Scenes frames: Record3D's "EXR + JPG" export (one float `R` channel in
 * metres, K column-major for the colour image, quaternion poses with OpenGL axes) and an RGBA EXR
 * written in millimetres, where the data overrules the float-metres convention.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { detectFormats } from '../../../../src-main/services/recordings/import'
import { writeOneChannelExr, writeRgbaExr } from './exr-writers'
import { importInto, readDepthPng, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import {
  copyColour,
  frameSize,
  half,
  halfDepth,
  loadRealFrames,
  maxDifference,
  medianMeters,
  record3dMetadataJson,
  type RealFrame,
} from './real-frame-recordings'
import { writeText } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('exr-src', 'exr-lib')

/** Millimetres as float metres; no depth becomes NaN, as ARKit writes it. */
const metres = (mm: Uint16Array): Float32Array => Float32Array.from(mm, (v) => (v > 0 ? v / 1000 : Number.NaN))

describe.skipIf(!sevenScenes)(
  `EXR depth from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 4)
    })
    const library = (): string => dirs['exr-lib']

    it('Record3D EXR_RGBD: float metres, K scaled to the depth, quaternion OpenGL poses converted', async () => {
      const dir = join(dirs['exr-src'], 'record3d')
      const root = join(dir, 'EXR_RGBD')
      for (const [k, f] of frames.entries()) {
        await copyColour(f.colourJpg, join(root, 'rgb', `${k}.jpg`))
        await writeOneChannelExr(join(root, 'depth', `${k}.exr`), metres(halfDepth(f.depthMm)), half.width, half.height)
      }
      await writeText(
        join(root, 'metadata.json'),
        record3dMetadataJson(
          frames.map((f) => f.pose),
          60,
        ),
      )

      expect((await detectFormats(dir))[0]?.format).toBe('record3d')
      const { manifest, report, dir: session } = await importInto(library(), dir)
      expect(manifest.camera).toMatchObject({ width: 320, height: 240, fx: 292.5, fy: 292.5, cx: 159.75, cy: 119.75 })
      expect(report.decisions?.depth).toMatchObject({ encoding: 'float', unitMeters: 1 })
      expect(report.decisions?.depth.medianMeters).toBeCloseTo(medianMeters(frames), 1)
      expect(Math.abs(report.decisions!.depth.medianMeters! / medianMeters(frames) - 1)).toBeLessThan(0.02)
      expect(report.decisions?.poses.convention).toBe('camera-to-world-opengl')
      for (const [k, f] of manifest.frames.entries())
        expect(maxDifference(f.worldFromCamera!, frames[k]!.pose)).toBeLessThan(0.01)
      expect(manifest.frames.map((f) => f.timestampSec)).toEqual([0, 1, 2, 3].map((k) => expect.closeTo(k / 60, 9)))
      // Row order and values survive: the stored millimetres equal the source's, pixel for pixel.
      const stored = await readDepthPng(join(session, manifest.frames[1]!.depth))
      const source = halfDepth(frames[1]!.depthMm)
      expect(stored.width).toBe(half.width)
      expect(maxDifference(stored.data, source)).toBeLessThanOrEqual(1)
    })

    it('an RGBA EXR in millimetres: the data overrules float metres and says so', async () => {
      const dir = join(dirs['exr-src'], 'exr-mm')
      for (const [k, f] of frames.slice(0, 3).entries()) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${k}.jpg`))
        await writeRgbaExr(
          join(dir, 'depth', `${k}.exr`),
          Float32Array.from(f.depthMm),
          frameSize.width,
          frameSize.height,
        )
      }
      const {
        report,
        manifest,
        dir: session,
      } = await importInto(library(), dir, {
        intrinsics: { fx: 585, fy: 585, cx: 320, cy: 240 },
      })
      expect(report.decisions?.depth).toMatchObject({ encoding: 'float', unitMeters: 0.001 })
      const expected = medianMeters(frames.slice(0, 3))
      expect(Math.abs(report.decisions!.depth.medianMeters! / expected - 1)).toBeLessThan(0.02)
      expect(report.decisions?.depth.contradiction).toMatch(/32-bit float in m/)
      const stored = await readDepthPng(join(session, manifest.frames[0]!.depth))
      expect(maxDifference(stored.data, frames[0]!.depthMm)).toBeLessThanOrEqual(1)
    })

    it('an EXR whose channels hold no depth is skipped with the file and its channels named', async () => {
      const dir = join(dirs['exr-src'], 'exr-bad')
      for (const [k, f] of frames.slice(0, 2).entries()) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${k}.jpg`))
        await writeOneChannelExr(
          join(dir, 'depth', `${k}.exr`),
          metres(f.depthMm),
          frameSize.width,
          frameSize.height,
          k === 0 ? 'depth.Z' : 'Z',
        )
      }
      const { report } = await importInto(library(), dir, { intrinsics: { fx: 585, fy: 585, cx: 320, cy: 240 } })
      expect(report.imported).toBe(1)
      expect(report.skipped).toEqual([
        expect.objectContaining({
          file: join(dir, 'depth', '0.exr'),
          reason: expect.stringMatching(/channels depth\.Z/),
        }),
      ])
    })
  },
)
