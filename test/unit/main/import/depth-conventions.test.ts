/**
 * Real 7-Scenes frames re-encoded in other datasets' depth conventions (units, byte-swapped,
 * bit-rotated, Kinect disparity, float and 16-bit TIFF): the import recovers the same metric depth
 * (median within 2 %), names its decision, and warns or refuses where the data cannot decide.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ImportOptions } from '../../../../src-main/contract'
import { importSession, previewImport } from '../../../../src-main/services/recordings/import'
import {
  importInto,
  readDepthPng,
  requiredRecording,
  skipMessage,
  temporaryDirsForFile,
  testJobContext,
  type ImportedSession,
} from './import-test-kit'
import {
  copyColour,
  encodeMm,
  frameSize,
  loadRealFrames,
  mapDepth,
  medianMeters,
  writePng16,
  type RealFrame,
} from './real-frame-recordings'
import { writePgm, writeText, writeTiff } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('conv-src', 'conv-lib')
const frameCount = 3

async function sessionMedianMeters(session: ImportedSession): Promise<number> {
  const invalid = new Set(session.manifest.depthInvalidValues)
  const values: number[] = []
  for (const frame of session.manifest.frames) {
    const depth = await readDepthPng(join(session.dir, frame.depth))
    for (const v of depth.data) if (!invalid.has(v)) values.push(v * session.manifest.depthUnitMeters)
  }
  return Float64Array.from(values).sort()[values.length >> 1]!
}

/** A DVEFormer-samples folder (rgb/, depth/ with the same names; the layout states no unit). */
async function samplesFolder(
  name: string,
  frames: RealFrame[],
  depthOf: (f: RealFrame) => Uint16Array,
): Promise<string> {
  const dir = join(dirs['conv-src'], name)
  for (const f of frames) {
    await copyColour(f.colourJpg, join(dir, 'rgb', `${f.number}.jpg`))
    await writePng16(join(dir, 'depth', `${f.number}.png`), depthOf(f))
  }
  return dir
}

describe.skipIf(!sevenScenes)(
  `depth conventions from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    let truth: number
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, frameCount)
      truth = medianMeters(frames)
    })
    const library = (): string => dirs['conv-lib']

    const expectMedian = async (session: ImportedSession): Promise<void> => {
      expect(Math.abs((await sessionMedianMeters(session)) / truth - 1)).toBeLessThan(0.02)
    }

    it('TUM lists: 1/5000 m as the format says, and the data agrees', async () => {
      const dir = join(dirs['conv-src'], 'tum')
      const times = frames.map((_, k) => (1305031102 + k / 30).toFixed(6))
      for (const [k, f] of frames.entries()) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${times[k]}.jpg`))
        await writePng16(join(dir, 'depth', `${times[k]}.png`), mapDepth(f.depthMm, encodeMm.tum))
      }
      await writeText(join(dir, 'rgb.txt'), times.map((t) => `${t} rgb/${t}.jpg\n`).join(''))
      await writeText(join(dir, 'depth.txt'), times.map((t) => `${t} depth/${t}.png\n`).join(''))
      const session = await importInto(library(), dir)
      expect(session.report.decisions?.depth).toMatchObject({
        encoding: 'plain',
        unitMeters: 1 / 5000,
        contradiction: null,
      })
      expect(session.report.decisions?.order.by).toBe('timestamps')
      await expectMedian(session)
    })

    const dataDecided: Array<{ name: string; encode: (mm: number) => number; encoding: string; unitMeters: number }> = [
      { name: '0.1 mm (Kinect v2 / ESANet style)', encode: encodeMm.tenthMm, encoding: 'plain', unitMeters: 0.0001 },
      { name: 'byte-swapped millimetres', encode: encodeMm.byteSwapped, encoding: 'byte-swapped', unitMeters: 0.001 },
      {
        name: 'millimetres rotated by 3 bits (SUN RGB-D)',
        encode: encodeMm.circularShift3,
        encoding: 'circular-shift-3',
        unitMeters: 0.001,
      },
    ]
    for (const c of dataDecided)
      it(`${c.name}: the data contradicts the assumed millimetres; the fitting reading is used and reported`, async () => {
        const dir = await samplesFolder(c.name.replace(/\W+/g, '-'), frames, (f) => mapDepth(f.depthMm, c.encode))
        const session = await importInto(library(), dir)
        expect(session.report.decisions?.depth).toMatchObject({ encoding: c.encoding, unitMeters: c.unitMeters })
        expect(session.report.decisions?.depth.contradiction).toMatch(/median .* is outside|bit noise|multiples of 8/)
        expect(session.report.warnings.join('\n')).toMatch(/Used /)
        await expectMedian(session)
      })

    it('SUN RGB-D frame folder: rotated millimetres are its stated convention, intrinsics.txt is read', async () => {
      const dir = join(dirs['conv-src'], 'sunrgbd')
      for (const f of frames) {
        await copyColour(f.colourJpg, join(dir, 'image', `${f.number}.jpg`))
        await writePng16(join(dir, 'depth', `${f.number}.png`), mapDepth(f.depthMm, encodeMm.circularShift3))
      }
      await writeText(join(dir, 'intrinsics.txt'), '585 0 320\n0 585 240\n0 0 1\n')
      await writeText(join(dir, 'extrinsics', '20140101.txt'), '1 0 0 0\n0 1 0 0\n0 0 1 0\n')
      const session = await importInto(library(), dir)
      expect(session.report.decisions?.depth).toMatchObject({
        encoding: 'circular-shift-3',
        unitMeters: 0.001,
        contradiction: null,
      })
      expect(session.report.decisions?.depth.reason).toMatch(/SUN RGB-D frame folder/)
      expect(session.manifest.camera).toMatchObject({ fx: 585, cx: 320 })
      expect(session.report.intrinsicsAssumed).toBe(false)
      await expectMedian(session)
    })

    it('Kinect raw disparity in little-endian PGM (NYU raw): byte order and disparity both recovered', async () => {
      const dir = join(dirs['conv-src'], 'nyu-raw')
      for (const f of frames) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${f.number}.jpg`))
        await writePgm(
          join(dir, 'depth', `${f.number}.pgm`),
          mapDepth(f.depthMm, encodeMm.kinectDisparity),
          'little',
          frameSize.width,
          frameSize.height,
        )
      }
      const session = await importInto(library(), dir)
      expect(session.report.pgmByteOrder).toBe('little')
      expect(session.report.decisions?.depth.encoding).toBe('kinect-disparity')
      expect(session.manifest.depthUnitMeters).toBe(0.001)
      await expectMedian(session)
    })

    it('Kinect disparity without its 2047 code: two readings fit, and a warning names both', async () => {
      const dir = await samplesFolder('disparity-no-code', frames, (f) =>
        f.depthMm.map((mm) => (mm > 0 ? encodeMm.kinectDisparity(mm) : 0)),
      )
      const session = await importInto(library(), dir)
      const warnings = session.report.warnings.join('\n')
      expect(warnings).toMatch(/Kinect raw disparity/)
      expect(warnings).toMatch(/16-bit in mm/)
      expect(warnings).toMatch(/also looks plausible/)
    })

    it('32-bit float TIFF in metres and 16-bit TIFF in millimetres', async () => {
      const floatDir = join(dirs['conv-src'], 'float-tiff')
      const tiffDir = join(dirs['conv-src'], 'u16-tiff')
      for (const f of frames) {
        for (const dir of [floatDir, tiffDir]) await copyColour(f.colourJpg, join(dir, 'color', `${f.number}.jpg`))
        await writeTiff(
          join(floatDir, 'depth', `${f.number}.tiff`),
          Float32Array.from(f.depthMm, (mm) => (mm > 0 ? mm / 1000 : Number.NaN)),
          frameSize.width,
          frameSize.height,
        )
        await writeTiff(join(tiffDir, 'depth', `${f.number}.tif`), f.depthMm, frameSize.width, frameSize.height)
      }
      const floats = await importInto(library(), floatDir)
      expect(floats.report.decisions?.depth).toMatchObject({
        encoding: 'float',
        unitMeters: 1,
        storedUnitMeters: 0.001,
      })
      await expectMedian(floats)
      const u16 = await importInto(library(), tiffDir)
      expect(u16.report.decisions?.depth).toMatchObject({ encoding: 'plain', unitMeters: 0.001 })
      await expectMedian(u16)
    })

    it('refuses (listing the candidates) when two units fit equally, and imports once the person chooses', async () => {
      // Scaled so that 0.1 mm and 1/5000 m give medians equally far (in log scale) from typical indoor depth.
      const scale = (Math.SQRT2 / truth) * 10
      const dir = await samplesFolder('tie', frames, (f) =>
        f.depthMm.map((mm) => Math.min(65534, Math.round(mm * scale))),
      )
      const refused = importSession(dir, {}, library(), testJobContext())
      await expect(refused).rejects.toThrow(
        /cannot tell how to read the depth[\s\S]*--depth-unit 0\.0001[\s\S]*--depth-unit 0\.0002/,
      )
      const preview = await previewImport(dir, {}, testJobContext())
      expect(preview.depthUndecided).toMatch(/both fit about equally/)
      const options: ImportOptions = { depthUnitMeters: 0.0001 }
      const chosen = await importInto(library(), dir, options)
      expect(chosen.report.decisions?.depth.reason).toMatch(/set in the import options/)
      expect(chosen.manifest.depthUnitMeters).toBe(0.0001)
    })

    it('previews the first frame: decisions, depth for the colour bar, histogram and points, and writes nothing', async () => {
      const dir = await samplesFolder('preview', frames, (f) => mapDepth(f.depthMm, encodeMm.tenthMm))
      const preview = await previewImport(dir, {}, testJobContext())
      expect(preview.decisions?.depth.unitMeters).toBe(0.0001)
      const first = preview.firstFrame!
      expect(first.rgbPng).toMatch(/^data:image\/png;base64,/)
      expect(first.depth.width).toBeLessThanOrEqual(320)
      expect(Buffer.from(first.depth.base64, 'base64').length).toBe(first.depth.width * first.depth.height * 2)
      expect(first.rangeMeters.min).toBeGreaterThan(0.3)
      expect(first.rangeMeters.max).toBeLessThan(5)
      expect(first.histogram.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(100_000)
      expect(first.points.length).toBe(first.pointColours.length)
      expect(first.points.length / 3).toBeGreaterThan(1000)
      // z of the points is the depth: their median matches the frame's.
      const z = first.points.filter((_, k) => k % 3 === 2).sort((a, b) => a - b)
      expect(Math.abs(z[z.length >> 1]! / medianMeters([frames[0]!]) - 1)).toBeLessThan(0.05)
    })
  },
)
