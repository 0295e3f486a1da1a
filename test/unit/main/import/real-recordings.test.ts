/**
 * Imports every shared real recording that matches a format and checks frame counts, intrinsics,
 * depth unit conversion (a pixel's metres against the raw source file) and the pose convention
 * (frames agree geometrically with camera→world poses, much less with the inverse).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportOptions, PinholeIntrinsics, SessionFormatId } from '../../../../src-main/contract'
import { detectFormats } from '../../../../src-main/services/recordings/import'
import {
  importInto,
  readDepthPng,
  removeDir,
  sharedRecording,
  skipMessage,
  temporaryDir,
  type ImportedSession,
} from './import-test-kit'
import { poseAgreement } from './pose-agreement'

interface RecordingCase {
  folder: string
  format: SessionFormatId
  options?: ImportOptions
  frames: number
  camera: PinholeIntrinsics & { width: number; height: number }
  intrinsicsAssumed?: boolean
  /** The raw source depth file of frame 0 and how to read metres from it, independently of the importer. */
  rawDepth: { file: string; metersOf: (raw: Uint8Array) => (pixel: number) => number }
  /** Frames far enough apart that the wrong pose convention fails, and the share each convention must reach. */
  poseCheck?: { i: number; j: number; minShare: number }
}

const png16 = (scale: number) => (raw: Uint8Array) => {
  const samples = decode(raw).data
  return (pixel: number): number => (samples[pixel] ?? Number.NaN) / scale
}
const rotatedApc = (raw: Uint8Array) => {
  const samples = decode(raw).data
  return (pixel: number): number => {
    const v = samples[pixel]!
    return (((v >> 3) | (v << 13)) & 0xffff) / 10000
  }
}
/** Big-endian 16-bit PGM sample, reading the header by hand. */
const pgmBigEndianMm = (raw: Uint8Array) => {
  const header = new TextDecoder().decode(raw.subarray(0, 40)).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/)!
  return (pixel: number): number => {
    const offset = header[0].length + pixel * 2
    return ((raw[offset]! << 8) | raw[offset + 1]!) / 1000
  }
}

const cases: RecordingCase[] = [
  {
    folder: '7scenes-tsdf-fusion',
    format: '7scenes',
    frames: 100,
    camera: { width: 640, height: 480, fx: 585, fy: 585, cx: 320, cy: 240 },
    rawDepth: { file: 'frame-000000.depth.png', metersOf: png16(1000) },
    poseCheck: { i: 0, j: 6, minShare: 0.8 },
  },
  {
    folder: 'sun3d-3dmatch-nvblox',
    format: '7scenes',
    frames: 5,
    camera: { width: 640, height: 480, fx: 570.342205, fy: 570.342205, cx: 320, cy: 240 },
    rawDepth: { file: 'seq-01/frame-000000.depth.png', metersOf: png16(1000) },
    poseCheck: { i: 0, j: 3, minShare: 0.3 },
  },
  {
    folder: 'apc-sr300-masks',
    format: '7scenes',
    frames: 15,
    camera: { width: 640, height: 480, fx: 611.355347, fy: 611.355408, cx: 337.405731, cy: 247.190155 },
    rawDepth: { file: 'frame-000000.depth.png', metersOf: rotatedApc },
    poseCheck: { i: 0, j: 7, minShare: 0.7 },
  },
  {
    folder: 'open3d-redwood-rgbd',
    format: 'redwood',
    frames: 5,
    camera: { width: 640, height: 480, fx: 525, fy: 525, cx: 319.5, cy: 239.5 },
    rawDepth: { file: 'depth/00000.png', metersOf: png16(1000) },
    poseCheck: { i: 0, j: 4, minShare: 0.8 },
  },
  {
    folder: 'replica-office0-nvblox',
    format: 'replica',
    frames: 4,
    camera: { width: 1200, height: 680, fx: 600, fy: 600, cx: 599.5, cy: 339.5 },
    rawDepth: { file: 'office0/results/depth000000.png', metersOf: png16(6553.5) },
    poseCheck: { i: 0, j: 3, minShare: 0.9 },
  },
  {
    folder: 'slambook2-icl-nuim',
    format: 'tum',
    frames: 5,
    options: { intrinsics: { fx: 481.2, fy: -480, cx: 319.5, cy: 239.5 } },
    camera: { width: 640, height: 480, fx: 481.2, fy: 480, cx: 319.5, cy: 239.5 },
    rawDepth: { file: 'depth/1.png', metersOf: png16(5000) },
    poseCheck: { i: 0, j: 4, minShare: 0.8 },
  },
  {
    folder: 'slambook2-kinect-pgm',
    format: 'tum',
    frames: 5,
    options: { intrinsics: { fx: 518, fy: 519, cx: 325.5, cy: 253.5 } },
    camera: { width: 640, height: 480, fx: 518, fy: 519, cx: 325.5, cy: 253.5 },
    rawDepth: { file: 'depth/1.pgm', metersOf: pgmBigEndianMm },
    // The frames are far apart (README: 0.10 overlap in voxels), so only a low share is possible.
    poseCheck: { i: 0, j: 1, minShare: 0.1 },
  },
  {
    folder: 'dveformer-kinect-sample',
    format: 'dveformer-samples',
    frames: 1,
    intrinsicsAssumed: true,
    camera: { width: 1440, height: 1080, fx: 1247.0765814495917, fy: 1247.0765814495917, cx: 719.5, cy: 539.5 },
    rawDepth: { file: 'depth/sample.png', metersOf: png16(1000) },
  },
  {
    folder: 'esanet-kinect2-sample',
    format: 'generic',
    frames: 1,
    intrinsicsAssumed: true,
    options: { depthUnitMeters: 0.0001 },
    camera: { width: 512, height: 424, fx: 443.4050067376326, fy: 443.4050067376326, cx: 255.5, cy: 211.5 },
    rawDepth: { file: 'sample_depth.png', metersOf: png16(10000) },
  },
]

let library = ''
beforeAll(async () => {
  library = await temporaryDir('real-import')
})
afterAll(async () => {
  await removeDir(library)
})

for (const c of cases) {
  const source = sharedRecording(c.folder)
  describe.skipIf(!source)(`${c.folder}${source ? '' : ` (${skipMessage(c.folder)})`}`, () => {
    let session: ImportedSession

    beforeAll(async () => {
      session = await importInto(library, source!, c.options)
    })

    it(`is detected as ${c.format} first`, async () => {
      const detected = await detectFormats(source!)
      expect(detected[0]?.format).toBe(c.format)
      expect(detected[0]?.reason.length).toBeGreaterThan(0)
    })

    it('imports every frame with the right intrinsics', () => {
      const { report, manifest } = session
      expect(report.format).toBe(c.format)
      expect(report.skipped).toEqual([])
      expect(report.imported).toBe(c.frames)
      expect(manifest.frames).toHaveLength(c.frames)
      expect(report.intrinsicsAssumed).toBe(c.intrinsicsAssumed ?? false)
      const { width, height, fx, fy, cx, cy } = manifest.camera
      expect({ width, height }).toEqual({ width: c.camera.width, height: c.camera.height })
      for (const [key, value] of Object.entries({ fx, fy, cx, cy }))
        expect(value, key).toBeCloseTo(c.camera[key as 'fx'], 4)
      expect(manifest.frames.map((f) => f.index)).toEqual([...Array(c.frames).keys()])
      const times = manifest.frames.map((f) => f.timestampSec)
      expect(times[0]).toBe(0)
      expect([...times].sort((a, b) => a - b)).toEqual(times)
    })

    it('keeps depth values so that raw × unit gives the source metres', async () => {
      const sourceMeters = c.rawDepth.metersOf(new Uint8Array(await readFile(join(source!, c.rawDepth.file))))
      const depth = await readDepthPng(join(session.dir, session.manifest.frames[0]!.depth))
      const invalid = new Set(session.manifest.depthInvalidValues)
      // Pixels spread over the image by a large prime stride, so rows and columns vary.
      const pixels = [...Array(400).keys()]
        .map((k) => (k * 104729) % depth.data.length)
        .filter((p) => !invalid.has(depth.data[p]!))
        .slice(0, 40)
      expect(pixels.length).toBeGreaterThan(10)
      for (const p of pixels) expect(depth.data[p]! * session.manifest.depthUnitMeters).toBeCloseTo(sourceMeters(p), 3)
    })

    it('has plausible depth (indoor median 0.3–8 m) and records every decision with its reason', () => {
      const decisions = session.report.decisions!
      expect(decisions.depth.medianMeters).toBeGreaterThan(0.3)
      expect(decisions.depth.medianMeters).toBeLessThan(8)
      expect(decisions.depth.contradiction).toBeNull()
      for (const part of [decisions.depth, decisions.intrinsics, decisions.poses, decisions.order])
        expect(part.reason.length).toBeGreaterThan(10)
      expect(decisions.poses.convention).toBe(c.poseCheck ? 'camera-to-world' : 'none')
    })

    it.skipIf(!c.poseCheck)('has camera→world poses (frames agree geometrically, the inverse does not)', async () => {
      const { i, j, minShare } = c.poseCheck!
      expect(session.manifest.hasPoses).toBe(true)
      const right = await poseAgreement(session.dir, session.manifest, i, j, { toleranceMeters: 0.05 })
      const inverse = await poseAgreement(session.dir, session.manifest, i, j, {
        toleranceMeters: 0.05,
        invertPoses: true,
      })
      expect(right.compared).toBeGreaterThan(500)
      expect(right.share).toBeGreaterThan(minShare)
      expect(right.share).toBeGreaterThan(inverse.share * 2)
    })
  })
}

const apc = sharedRecording('apc-sr300-masks')
describe.skipIf(!apc)(`apc-sr300-masks object masks${apc ? '' : ` (${skipMessage('apc-sr300-masks')})`}`, () => {
  it('become labels: 255 → class 1 "target object", 0 → void', async () => {
    const { manifest, dir } = await importInto(library, apc!)
    expect(manifest.labelClasses?.map((c) => [c.id, c.name])).toEqual([
      [0, 'void'],
      [1, 'target object'],
    ])
    const frame = manifest.frames[3]!
    expect(frame.labels).toBe('labels/000003.png')
    const labels = decode(await readFile(join(dir, frame.labels!)))
    const mask = decode(await readFile(join(apc!, 'frame-000003.mask.png')))
    expect(labels.depth).toBe(8)
    expect([labels.width, labels.height]).toEqual([mask.width, mask.height])
    let targets = 0
    let mismatches = 0
    for (let k = 0; k < mask.data.length; k++) {
      if (labels.data[k] !== (mask.data[k] === 255 ? 1 : 0)) mismatches++
      if (labels.data[k] === 1) targets++
    }
    expect(mismatches).toBe(0)
    expect(targets).toBeGreaterThan(100)
  })

  it('keep their labels through a re-import of the session', async () => {
    const first = await importInto(library, apc!)
    const again = await importInto(library, first.dir)
    expect(again.manifest.labelClasses).toEqual(first.manifest.labelClasses)
    const [a, b] = await Promise.all(
      [first, again].map(async (s) => decode(await readFile(join(s.dir, s.manifest.frames[3]!.labels!))).data),
    )
    expect(b).toEqual(a)
  })
})

const esanet = sharedRecording('esanet-kinect2-sample')
describe.skipIf(!esanet)(
  `esanet-kinect2-sample without a depth unit${esanet ? '' : ` (${skipMessage('esanet-kinect2-sample')})`}`,
  () => {
    it('is read in 0.1 mm from the data (millimetres would put the room 24.5 m away), with a warning naming 1/5000 m too', async () => {
      const { report, manifest } = await importInto(library, esanet!)
      expect(manifest.depthUnitMeters).toBe(0.0001)
      expect(report.decisions?.depth.medianMeters).toBeCloseTo(2.45, 1)
      expect(report.decisions?.depth.contradiction).toMatch(/median 24\.5 m is outside/)
      expect(report.warnings.join('\n')).toMatch(/1\/5000 m .* also looks plausible/)
    })
  },
)
