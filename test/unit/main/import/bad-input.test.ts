/**
 * Bad input: every bad frame is reported with its file (and line for text files) and reason, good
 * frames are kept, and failed or cancelled imports leave nothing in the library.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConsoleError, type SkippedFrame } from '../../../../src-main/contract'
import { importSession } from '../../../../src-main/services/recordings/import'
import { importInto, libraryEntries, removeDir, temporaryDir, testJobContext } from './import-test-kit'
import {
  depthRamp,
  matrixText,
  translation,
  writeColour,
  writeDepth8Png,
  writeDepthPng,
  writeSevenScenes,
  writeText,
  writeTruncated,
} from './synthetic-sources'

let work = ''
let library = ''
beforeAll(async () => {
  work = await temporaryDir('bad-src')
})
beforeEach(async () => {
  library = await temporaryDir('bad-lib')
})
afterAll(async () => {
  await removeDir(work)
})

const reasonFor = (skipped: SkippedFrame[], file: string): SkippedFrame | undefined =>
  skipped.find((s) => s.file.endsWith(file))

async function failure(source: string, options = {}): Promise<ConsoleError> {
  const error = await importSession(source, options, library, testJobContext()).catch((e: unknown) => e)
  if (!(error instanceof ConsoleError)) throw new Error(`expected a ConsoleError, got ${String(error)}`)
  return error
}

/** Listing with sizes and modification times, to show the source was not touched. */
async function snapshot(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true })
  return Promise.all(
    names.sort().map(async (n) => `${n} ${(await stat(join(dir, n))).size} ${(await stat(join(dir, n))).mtimeMs}`),
  )
}

describe('TUM lists', () => {
  let source = ''
  beforeAll(async () => {
    source = join(work, 'tum')
    // The lists name rgb/ and depth/ but the colour folder is called color/ (renamed folders happen).
    for (const [k, t] of [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6].entries()) {
      await writeColour(join(source, 'color', `${t.toFixed(6)}.png`), k)
      await writeDepthPng(join(source, 'depth', `${(t + 0.005).toFixed(6)}.png`))
    }
    await writeText(join(source, 'color', '1.300000.png'), 'not an image at all')
    await writeTruncated(join(source, 'color', '1.400000.png'), join(source, 'color', '1.000000.png'))
    await writeDepthPng(join(source, 'depth', '1.505000.png'), depthRamp(8, 6), 8, 6)
    await writeDepth8Png(join(source, 'depth', '1.605000.png'))
    const rgbRows = [1.6, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5].map(
      (t) => `${t.toFixed(6)} rgb/${t.toFixed(6)}.png extra columns`,
    )
    await writeText(join(source, 'rgb.txt'), `# colour images\n# timestamp filename\n${rgbRows.join('\n')}\n`)
    const depthRows = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7].map(
      (t) => `${(t + 0.005).toFixed(6)} depth/${(t + 0.005).toFixed(6)}.png`,
    )
    await writeText(join(source, 'depth.txt'), `# depth\n${depthRows.join('\n')}\nnot-a-time depth/x.png\n`)
    await writeText(
      join(source, 'groundtruth.txt'),
      '# timestamp tx ty tz qx qy qz qw\n1.0 0 0 0 0 0 0 1\n1.1 0.1 0 0 0 0 0 1\n1.2 0.2 0 0 nan 0 0 1\n1.205 0.2 0 0 0 0 0\n',
    )
  })

  it('keeps the good frames, reports each bad one with file, line and reason, and does not touch the source', async () => {
    const before = await snapshot(source)
    const { report, manifest } = await importInto(library, source)
    expect(await snapshot(source)).toEqual(before)
    expect(report.imported).toBe(3)
    expect(manifest.frames.map((f) => f.sourceName)).toEqual(['1.005000', '1.105000', '1.205000'])
    expect(manifest.frames.map((f) => f.timestampSec)).toEqual([0, expect.closeTo(0.1, 6), expect.closeTo(0.2, 6)])
    expect(reasonFor(report.skipped, 'color/1.300000.png')?.reason).toMatch(/cannot decode the colour image/)
    expect(reasonFor(report.skipped, 'color/1.400000.png')?.reason).toMatch(/cannot decode the colour image/)
    expect(reasonFor(report.skipped, 'depth/1.505000.png')?.reason).toMatch(
      /depth is 8×6, but the session's depth is 16×12/,
    )
    expect(reasonFor(report.skipped, 'depth/1.605000.png')?.reason).toMatch(/8-bit; expected 16-bit/)
    expect(reasonFor(report.skipped, 'depth.txt')).toMatchObject({
      line: 10,
      reason: expect.stringMatching(/expected "timestamp file"/),
    })
    const badPoses = report.skipped.filter((s) => s.file.endsWith('groundtruth.txt'))
    expect(badPoses.map((s) => s.line)).toEqual([4, 5])
    expect(badPoses[0]!.reason).toMatch(/field 5 \("nan"\) is not a finite number/)
    expect(badPoses[1]!.reason).toMatch(/expected 8 numbers, found 7/)
    // 1.7 has a depth list entry but no colour image near it: left out with a warning.
    expect(report.warnings.join(' ')).toMatch(/1 depth images had no colour image within 0.02 s/)
    // Frame 1.2 had only bad pose rows near it, so it has no pose.
    expect(manifest.frames.map((f) => f.worldFromCamera?.[3] ?? null)).toEqual([0, 0.1, null])
  })
})

describe('frame folders with bad poses and missing files', () => {
  it('reports unparseable, NaN, non-rigid poses and missing depth by file and line', async () => {
    const source = join(work, 'sevenscenes-bad')
    await writeSevenScenes(source, 6)
    await writeText(join(source, 'frame-000010.pose.txt'), '1 0 0 0\n0 1 0 0\n0 0 one 0\n0 0 0 1\n')
    await writeText(join(source, 'frame-000020.pose.txt'), matrixText(translation(Number.NaN, 0, 0)))
    await writeText(join(source, 'frame-000030.pose.txt'), matrixText([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]))
    await rm(join(source, 'frame-000040.depth.png'))
    const { report } = await importInto(library, source)
    expect(report.imported).toBe(2)
    expect(reasonFor(report.skipped, 'frame-000010.pose.txt')).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/^field 3 is not a finite number$/),
    })
    expect(reasonFor(report.skipped, 'frame-000020.pose.txt')).toMatchObject({
      line: 1,
      reason: expect.stringMatching(/NaN/),
    })
    expect(reasonFor(report.skipped, 'frame-000030.pose.txt')?.reason).toMatch(
      /bad pose: the rotation part is not orthonormal/,
    )
    expect(reasonFor(report.skipped, 'frame-000040.depth.png')?.reason).toBe(
      'file is missing or lies outside the source folder',
    )
  })

  it('fails when no frame is good and leaves nothing in the library', async () => {
    const source = join(work, 'sevenscenes-all-bad')
    await writeSevenScenes(source, 2)
    for (const n of ['000000', '000010']) await writeText(join(source, `frame-${n}.depth.png`), 'garbage')
    const error = await failure(source)
    expect(error.code).toBe('bad_file')
    expect(error.message).toMatch(
      /no frame could be imported \(2 bad\).*frame-000000.depth.png: cannot read the depth image/,
    )
    expect(await libraryEntries(library)).toEqual([])
  })
})

describe('sources that are not recordings', () => {
  it('names an empty folder', async () => {
    const source = join(work, 'empty')
    await mkdir(source, { recursive: true })
    const error = await failure(source)
    expect(error.message).toBe(`${source}: the folder is empty.`)
  })

  it('names an unknown layout and lists what the folder holds', async () => {
    const source = join(work, 'unknown')
    await writeText(join(source, 'notes.txt'), 'hello')
    await writeText(join(source, 'data', 'x.csv'), '1,2')
    const error = await failure(source)
    expect(error.code).toBe('unsupported')
    expect(error.message).toContain(source)
    expect(error.message).toContain('data/, notes.txt')
  })

  it('names a missing source', async () => {
    const error = await failure(join(work, 'does-not-exist'))
    expect(error.code).toBe('not_found')
  })

  it('refuses invalid options, naming the field', async () => {
    const error = await failure(work, { depthUnitMeters: -1 })
    expect(error.code).toBe('invalid_input')
    expect(error.message).toMatch(/^Import options: depthUnitMeters: /)
  })

  it('refuses a forced format the source does not match', async () => {
    const source = join(work, 'sevenscenes-forced')
    await writeSevenScenes(source, 1)
    const error = await failure(source, { format: 'replica' })
    expect(error.message).toMatch(/does not look like the "replica" format/)
  })
})

describe('cancel', () => {
  it('stops between frames and leaves no half session', async () => {
    const source = join(work, 'sevenscenes-cancel')
    await writeSevenScenes(source, 8)
    const controller = new AbortController()
    const ctx = testJobContext(controller.signal)
    ctx.progress = () => controller.abort()
    const error = await importSession(source, {}, library, ctx).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).code).toBe('cancelled')
    expect(await libraryEntries(library)).toEqual([])
  })
})

describe('the import report', () => {
  it('is saved in the session next to session.json', async () => {
    const source = join(work, 'sevenscenes-report')
    await writeSevenScenes(source, 2)
    await writeFile(join(source, 'frame-000010.color.png'), 'broken')
    const { report, dir } = await importInto(library, source)
    expect(JSON.parse(await readFile(join(dir, 'import-report.json'), 'utf8'))).toEqual(report)
    expect(report.skipped).toHaveLength(1)
    expect(await libraryEntries(library)).toEqual([report.sessionId])
  })
})
