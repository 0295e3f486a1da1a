/**
 * Portrait and flagged frames from real 7-Scenes frames: an iPhone-style export whose colour JPEGs
 * carry an EXIF orientation flag (frames stored landscape, as the sensor sees them), and a Record3D
 * export whose frames are stored portrait while its metadata describes landscape frames. The import
 * turns colour, depth, intrinsics and poses together and says so.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { decode } from 'fast-png'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import { writeOneChannelExr } from './exr-writers'
import { importInto, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import {
  half,
  halfDepth,
  loadRealFrames,
  maxDifference,
  writePolycamExport,
  record3dMetadataJson,
  type RealFrame,
} from './real-frame-recordings'
import { writeDepthPng, writeText } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('turn-src', 'turn-lib')

async function putBytes(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, bytes)
}

/** A w×h image turned 90° clockwise (h×w): pixel (x, y) goes to (h − 1 − y, x). */
function turnedClockwise(data: Uint16Array, w: number, h: number): Uint16Array {
  const out = new Uint16Array(data.length)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + (h - 1 - y)] = data[y * w + x]!
  return out
}

/** The same, counter-clockwise: pixel (x, y) goes to (y, w − 1 − x). */
function turnedCounterClockwise(data: Uint16Array, w: number, h: number): Uint16Array {
  const out = new Uint16Array(data.length)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(w - 1 - x) * h + y] = data[y * w + x]!
  return out
}

/** worldFromCamera of a camera whose image was turned 90° clockwise (new x = old −y, new y = old x). */
const turnedPose = (pose: number[]): number[] => multiply4(pose, [0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])

describe.skipIf(!sevenScenes)(
  `frame orientation from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 3)
    })

    it('EXIF orientation 6 on landscape frames: colour, depth, intrinsics and poses turned upright together', async () => {
      const dir = join(dirs['turn-src'], 'exif')
      await writePolycamExport(dir, frames, async (f, path) =>
        putBytes(path, await sharp(f.colourJpg).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer()),
      )
      const { manifest, report, dir: session } = await importInto(dirs['turn-lib'], dir)
      expect(report.decisions?.orientation).toMatchObject({
        rotationDeg: 90,
        reason: expect.stringMatching(/EXIF orientation \(6\)/),
      })
      expect(report.warnings.join('\n')).toMatch(/Orientation: .*turn the stored 640×480 frames 90° clockwise/)
      // Landscape K at the 320×240 depth (fx 292.5, cx 159.75, cy 119.75), turned: cx' = 239 − cy, cy' = cx.
      expect(manifest.camera).toMatchObject({ width: 240, height: 320, fx: 292.5, fy: 292.5, cx: 119.25, cy: 159.75 })
      expect(manifest.rgbSize).toEqual({ width: 480, height: 640 })
      expect(report.decisions?.poses.convention).toBe('camera-to-world-opengl')
      for (const [k, f] of manifest.frames.entries())
        expect(maxDifference(f.worldFromCamera!, turnedPose(frames[k]!.pose))).toBeLessThan(1e-6)
      const depth = decode(await readFile(join(session, manifest.frames[1]!.depth)))
      expect(maxDifference(depth.data, turnedClockwise(halfDepth(frames[1]!.depthMm), half.width, half.height))).toBe(0)
      const colour = await sharp(join(session, manifest.frames[1]!.rgb)).metadata()
      expect([colour.width, colour.height, colour.orientation ?? 1]).toEqual([480, 640, 1])
    })

    it('Record3D frames stored portrait under landscape metadata: turned back to the metadata, assumed clockwise', async () => {
      const root = join(dirs['turn-src'], 'record3d-portrait', 'EXR_RGBD')
      for (const [k, f] of frames.entries()) {
        await putBytes(
          join(root, 'rgb', `${k}.jpg`),
          await sharp(f.colourJpg).rotate(270).jpeg({ quality: 95 }).toBuffer(),
        )
        const portrait = turnedCounterClockwise(halfDepth(f.depthMm), half.width, half.height)
        const metres = Float32Array.from(portrait, (mm) => (mm > 0 ? mm / 1000 : Number.NaN))
        await writeOneChannelExr(join(root, 'depth', `${k}.exr`), metres, half.height, half.width)
      }
      await writeText(
        join(root, 'metadata.json'),
        record3dMetadataJson(
          frames.map((f) => f.pose),
          30,
        ),
      )
      const { manifest, report, dir: session } = await importInto(dirs['turn-lib'], join(root, '..'))
      expect(report.decisions?.orientation).toMatchObject({ rotationDeg: 90, reason: expect.stringMatching(/assumed/) })
      expect(manifest.camera).toMatchObject({ width: 320, height: 240, fx: 292.5, cx: 159.75, cy: 119.75 })
      expect(report.decisions?.poses.convention).toBe('camera-to-world-opengl')
      for (const [k, f] of manifest.frames.entries())
        expect(maxDifference(f.worldFromCamera!, frames[k]!.pose)).toBeLessThan(0.01)
      const depth = decode(await readFile(join(session, manifest.frames[2]!.depth)))
      expect(maxDifference(depth.data, halfDepth(frames[2]!.depthMm))).toBeLessThanOrEqual(1)
    })

    it('--rotate 0 keeps flagged frames as stored and drops the flag', async () => {
      const dir = join(dirs['turn-src'], 'exif')
      const { manifest, report, dir: session } = await importInto(dirs['turn-lib'], dir, { rotation: 0 })
      expect(report.decisions?.orientation).toMatchObject({
        rotationDeg: 0,
        reason: expect.stringMatching(/import options/),
      })
      expect(manifest.camera).toMatchObject({ width: 320, height: 240, cx: 159.75 })
      const colour = await sharp(join(session, manifest.frames[0]!.rgb)).metadata()
      expect([colour.width, colour.height, colour.orientation ?? 1]).toEqual([640, 480, 1])
    })

    it('colour turned on extraction while the depth was not: a warning says they will not line up', async () => {
      const dir = join(dirs['turn-src'], 'extracted')
      for (const [k, f] of frames.entries()) {
        await putBytes(join(dir, 'rgb', `${k}.jpg`), await sharp(f.colourJpg).rotate(90).jpeg().toBuffer())
        await writeDepthPng(join(dir, 'depth', `${k}.png`), halfDepth(f.depthMm), half.width, half.height)
      }
      const { report } = await importInto(dirs['turn-lib'], dir, {
        intrinsics: { fx: 292.5, fy: 292.5, cx: 160, cy: 120 },
      })
      expect(report.warnings.join('\n')).toMatch(
        /colour frames are 480×640 but the depth is 320×240: one of them was turned .*-noautorotate/,
      )
    })
  },
)
