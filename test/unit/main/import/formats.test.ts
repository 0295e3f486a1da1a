/** Format readers on synthetic sources: PGM byte order, ScanNet, associate.txt, generic options, re-import. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectFormats } from '../../../../src-main/services/recordings/import'
import { importInto, readDepthPng, temporaryDirsForFile } from './import-test-kit'
import {
  depthRamp,
  matrixText,
  size,
  translation,
  writeColour,
  writeDepthPng,
  writePgm,
  writeSevenScenes,
  writeText,
} from './synthetic-sources'

const dirs = temporaryDirsForFile('formats-src', 'formats-lib')
const work = (): string => dirs['formats-src']
const library = (): string => dirs['formats-lib']

/** Smooth depth (a ramp of millimetres); byte-swapped it would be noise. */
const smoothDepth = Uint16Array.from(
  { length: size.width * size.height },
  (_, p) => 1500 + (p % size.width) * 3 + Math.floor(p / size.width) * 2,
)

async function poseListSource(name: string, order: 'big' | 'little'): Promise<string> {
  const dir = join(work(), name)
  for (let k = 1; k <= 3; k++) {
    await writeColour(join(dir, 'color', `${k}.png`), k)
    await writePgm(join(dir, 'depth', `${k}.pgm`), smoothDepth, order)
  }
  await writeText(join(dir, 'pose.txt'), '0 0 0 0 0 0 1\n0.1 0 0 0 0 0 1\n0.2 0 0 0 0 0.7071068 0.7071068\n')
  return dir
}

describe('16-bit PGM depth', () => {
  for (const order of ['big', 'little'] as const) {
    it(`detects ${order}-endian samples by plausibility and reports the choice`, async () => {
      const { report, manifest, dir } = await importInto(library(), await poseListSource(`pgm-${order}`, order))
      expect(report.pgmByteOrder).toBe(order)
      expect(report.depthUnitMeters).toBe(0.001)
      const depth = await readDepthPng(join(dir, manifest.frames[0]!.depth))
      expect(depth.data).toEqual(smoothDepth)
      const last = manifest.frames[2]!.worldFromCamera!
      expect(last[3]).toBeCloseTo(0.2, 9)
      // A 90° yaw about z: the camera x axis maps to world y.
      expect(last[4]).toBeCloseTo(1, 6)
    })
  }

  it('follows a byte order set in the options', async () => {
    const { report, manifest, dir } = await importInto(library(), await poseListSource('pgm-forced', 'little'), {
      pgmByteOrder: 'big',
    })
    expect(report.pgmByteOrder).toBe('big')
    const depth = await readDepthPng(join(dir, manifest.frames[0]!.depth))
    expect(depth.data[0]).toBe(((smoothDepth[0]! & 0xff) << 8) | (smoothDepth[0]! >> 8))
  })
})

describe('ScanNet export', () => {
  it('reads intrinsic_depth.txt and pose/ files, reporting an invalid (-inf) pose', async () => {
    const dir = join(work(), 'scannet')
    for (let k = 0; k < 3; k++) {
      await writeColour(join(dir, 'color', `${k}.jpg`), k)
      await writeDepthPng(join(dir, 'depth', `${k}.png`))
      await writeText(join(dir, 'pose', `${k}.txt`), matrixText(translation(k, 0, 0)))
    }
    await writeText(
      join(dir, 'pose', '1.txt'),
      '-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n-inf -inf -inf -inf\n',
    )
    await writeText(join(dir, 'intrinsic', 'intrinsic_depth.txt'), '21 0 7.5 0\n0 22 5.5 0\n0 0 1 0\n0 0 0 1\n')
    expect((await detectFormats(dir))[0]?.format).toBe('scannet')
    const { report, manifest } = await importInto(library(), dir)
    expect(report.imported).toBe(2)
    expect(report.skipped).toEqual([
      {
        sourceName: '1',
        file: join(dir, 'pose', '1.txt'),
        line: 1,
        reason: expect.stringMatching(/\("-inf"\) is not a finite number/),
      },
    ])
    expect(manifest.camera).toMatchObject({ fx: 21, fy: 22, cx: 7.5, cy: 5.5, width: size.width, height: size.height })
    expect(manifest.frames.map((f) => f.worldFromCamera![3])).toEqual([0, 2])
  })
})

describe('TUM associate.txt with groundtruth', () => {
  it('uses the given pairs, relative timestamps and the Freiburg calibration from the folder name', async () => {
    const dir = join(work(), 'rgbd_dataset_freiburg2_test')
    const rows: string[] = []
    for (let k = 0; k < 3; k++) {
      await writeColour(join(dir, 'rgb', `c${k}.png`), k)
      await writeDepthPng(join(dir, 'depth', `d${k}.png`))
      rows.push(`${k * 0.5} rgb/c${k}.png ${k * 0.5 + 0.01} depth/d${k}.png`)
    }
    await writeText(join(dir, 'associate.txt'), `${rows.reverse().join('\n')}\n`)
    await writeText(join(dir, 'groundtruth.txt'), '0.0 1 2 3 0 0 0 1\n0.5 1 2 3 0 0 0 1\n1.0 1 2 3 0 0 0 1\n')
    const { report, manifest } = await importInto(library(), dir)
    expect(report.format).toBe('tum')
    expect(report.imported).toBe(3)
    expect(report.intrinsicsAssumed).toBe(true)
    expect(manifest.camera).toMatchObject({ fx: 520.9, fy: 521.0, cx: 325.1, cy: 249.7 })
    expect(manifest.depthUnitMeters).toBe(1 / 5000)
    expect(manifest.frames.map((f) => f.timestampSec)).toEqual([0, 0.5, 1])
    expect(manifest.frames.every((f) => f.worldFromCamera?.[3] === 1)).toBe(true)
  })
})

describe('generic folder with options', () => {
  it('takes depth unit, invalid values, intrinsics and name from the options', async () => {
    const dir = join(work(), 'generic')
    await writeColour(join(dir, 'shot_color.jpg'))
    await writeDepthPng(join(dir, 'shot_depth.png'), depthRamp())
    const intrinsics = { fx: 12, fy: 13, cx: 7, cy: 5 }
    const { report, manifest } = await importInto(library(), dir, {
      depthUnitMeters: 0.0001,
      depthInvalidValues: [0, 65535],
      intrinsics,
      name: 'My Shot',
    })
    expect(report.format).toBe('generic')
    expect(report.intrinsicsAssumed).toBe(false)
    expect(manifest.name).toBe('My Shot')
    expect(manifest.id).toMatch(/^my-shot-[0-9a-f]{6}$/)
    expect(manifest.depthUnitMeters).toBe(0.0001)
    expect(manifest.depthInvalidValues).toEqual([0, 65535])
    expect(manifest.camera).toMatchObject(intrinsics)
    expect(manifest.hasPoses).toBe(false)
  })
})

describe('re-import of a dve session', () => {
  it('copies every frame with its pose, camera and timestamps', async () => {
    const source = join(work(), 'for-reimport')
    await writeSevenScenes(source, 3)
    const first = await importInto(library(), source)
    const again = await importInto(library(), first.dir)
    expect(again.report.format).toBe('dve')
    expect(again.report.sessionId).not.toBe(first.report.sessionId)
    expect(again.manifest.camera).toEqual(first.manifest.camera)
    expect(again.manifest.frames.map((f) => [f.timestampSec, f.sourceName, f.worldFromCamera])).toEqual(
      first.manifest.frames.map((f) => [f.timestampSec, f.sourceName, f.worldFromCamera]),
    )
    expect(await readDepthPng(join(again.dir, again.manifest.frames[1]!.depth))).toEqual(
      await readDepthPng(join(first.dir, first.manifest.frames[1]!.depth)),
    )
  })
})

describe('Redwood / Open3D', () => {
  it('reads the .log entries, reports a bad entry by line and uses the intrinsic JSON (column-major)', async () => {
    const dir = join(work(), 'redwood')
    for (let k = 0; k < 3; k++) {
      await writeColour(join(dir, 'color', `0000${k}.jpg`), k)
      await writeDepthPng(join(dir, 'depth', `0000${k}.png`))
    }
    const entry = (k: number, rows: string): string => `${k} ${k} ${k + 1}\n${rows}`
    await writeText(
      join(dir, 'trajectory.log'),
      entry(0, matrixText(translation(0, 0, 0))) +
        entry(1, '1 0 0 0.1\n0 1 0 zero\n0 0 1 0\n0 0 0 1\n') +
        entry(2, matrixText(translation(0.2, 0, 0))),
    )
    await writeText(
      join(dir, 'odometry.log'),
      [0, 1, 2].map((k) => entry(k, matrixText(translation(0, k, 0)))).join(''),
    )
    await writeText(
      join(dir, 'camera_test.json'),
      JSON.stringify({ width: 16, height: 12, intrinsic_matrix: [20, 0, 0, 0, 21, 0, 7.5, 5.5, 1] }),
    )
    const { report, manifest } = await importInto(library(), dir)
    expect(report.format).toBe('redwood')
    expect(manifest.camera).toMatchObject({ fx: 20, fy: 21, cx: 7.5, cy: 5.5 })
    expect(report.skipped).toEqual([
      {
        sourceName: '1',
        file: join(dir, 'trajectory.log'),
        line: 8,
        reason: expect.stringMatching(/field 4 is not a finite number$/),
      },
    ])
    expect(manifest.frames.map((f) => f.worldFromCamera![3])).toEqual([0, 0.2])
    expect(report.warnings.join(' ')).toMatch(/Poses are from trajectory.log; the source also has odometry.log/)
    const odometry = await importInto(library(), dir, { poseFile: 'odometry.log' })
    expect(odometry.manifest.frames.map((f) => f.worldFromCamera![7])).toEqual([0, 1, 2])
  })
})
