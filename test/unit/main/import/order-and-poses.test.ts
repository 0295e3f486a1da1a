/**
 * Real 7-Scenes frames with corrupted time and pose sidecars: shuffled and repeated timestamps,
 * listed frames whose files are missing, and poses stored world→camera, with OpenGL axes, or as
 * noise. The import orders by file number, reports missing files once, and converts or drops poses.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  invertRigid,
  matrixFromTranslationQuaternion,
  multiply4,
} from '../../../../src-main/services/recordings/import/pose-math'
import { skippedLines } from '../../../../src-main/services/recordings/import/skipped-summary'
import { importInto, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import {
  copyColour,
  maxDifference,
  encodeMm,
  loadRealFrames,
  mapDepth,
  matrixLines,
  writePng16,
  type RealFrame,
} from './real-frame-recordings'
import { writeText } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('order-src', 'order-lib')
const openGlFromOpenCv = [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]

/** A TUM folder whose files are numbered 0..n-1 in recording order and listed in that order with `times`. */
async function tumFolder(name: string, frames: RealFrame[], times: number[]): Promise<string> {
  const dir = join(dirs['order-src'], name)
  for (const [k, f] of frames.entries()) {
    await copyColour(f.colourJpg, join(dir, 'rgb', `${String(k).padStart(6, '0')}.jpg`))
    await writePng16(join(dir, 'depth', `${String(k).padStart(6, '0')}.png`), mapDepth(f.depthMm, encodeMm.tum))
  }
  const list = (folder: string, ext: string): string =>
    times.map((t, k) => `${t.toFixed(6)} ${folder}/${String(k).padStart(6, '0')}.${ext}\n`).join('')
  await writeText(join(dir, 'rgb.txt'), list('rgb', 'jpg'))
  await writeText(join(dir, 'depth.txt'), list('depth', 'png'))
  return dir
}

/** A 7-Scenes folder of the frames with each pose rewritten by `poseOf`. */
async function framesWithPoses(
  name: string,
  frames: RealFrame[],
  poseOf: (cameraToWorld: number[], k: number) => number[],
): Promise<string> {
  const dir = join(dirs['order-src'], name)
  for (const [k, f] of frames.entries()) {
    const stem = `frame-${String(f.number).padStart(6, '0')}`
    await copyColour(f.colourJpg, join(dir, `${stem}.color.jpg`))
    await writePng16(join(dir, `${stem}.depth.png`), f.depthMm)
    await writeText(join(dir, `${stem}.pose.txt`), matrixLines(poseOf(f.pose, k)))
  }
  await writeText(join(dir, 'camera-intrinsics.txt'), '585 0 320\n0 585 240\n0 0 1\n')
  return dir
}

describe.skipIf(!sevenScenes)(
  `time order and pose conventions from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 6)
    })
    const library = (): string => dirs['order-lib']

    it('shuffled timestamps: frames are ordered by the number in their file names, and the report says so', async () => {
      const times = [0.2, 0.0, 0.5, 0.1, 0.4, 0.3].map((t) => 1000 + t)
      const { manifest, report } = await importInto(library(), await tumFolder('shuffled', frames, times))
      expect(manifest.frames.map((f) => f.sourceName)).toEqual(times.map((t) => t.toFixed(6)))
      expect(report.decisions?.order.by).toBe('file-number')
      expect(report.warnings.join('\n')).toMatch(
        /Of 6 timestamps, 3 go backwards; frames are ordered by the number in their file names.*not used \(30 Hz assumed\)/,
      )
      expect(manifest.frames.map((f) => f.timestampSec)).toEqual([0, 1, 2, 3, 4, 5].map((k) => k / 30))
    })

    it('repeated timestamps keep both frames, in file-number order, 1 ms apart', async () => {
      const times = [0, 0.1, 0.1, 0.2, 0.3, 0.3].map((t) => 1000 + t)
      const { manifest, report } = await importInto(library(), await tumFolder('repeated', frames, times))
      expect(manifest.frames).toHaveLength(6)
      expect(report.warnings.join('\n')).toMatch(/2 repeat the previous one.*2 repeated timestamps spread by 1 ms/)
      const t = manifest.frames.map((f) => f.timestampSec)
      for (const [k, expected] of [0, 0.1, 0.101, 0.2, 0.3, 0.301].entries()) expect(t[k]).toBeCloseTo(expected, 6)
    })

    it('listed frames whose files are missing are reported once, with the count and the first names', async () => {
      const dir = await tumFolder('missing', frames, [0, 0.1, 0.2, 0.3, 0.4, 0.5])
      for (const k of [1, 2, 3, 4]) await rm(join(dir, 'depth', `00000${k}.png`))
      const { manifest, report } = await importInto(library(), dir)
      expect(manifest.frames).toHaveLength(2)
      const missing = report.warnings.filter((w) => /missing a file/.test(w))
      expect(missing).toEqual([
        '4 listed frames are missing a file (000001.png, 000002.png, 000003.png, 000004.png); they were left out.',
      ])
      expect(skippedLines(report.skipped)).toEqual([
        expect.stringMatching(
          /^4 frames: file is missing or lies outside the source folder \(000001\.png, 000002\.png, 000003\.png, 000004\.png\)$/,
        ),
      ])
    })

    const conventions: Array<{ name: string; convention: string; poseOf: (c2w: number[]) => number[] }> = [
      { name: 'world→camera', convention: 'world-to-camera', poseOf: (c2w) => invertRigid(c2w) },
      {
        name: 'camera→world with OpenGL axes',
        convention: 'camera-to-world-opengl',
        poseOf: (c2w) => multiply4(c2w, openGlFromOpenCv),
      },
    ]
    for (const c of conventions)
      it(`poses stored ${c.name}: the overlap of consecutive frames finds the convention, and the poses are converted back`, async () => {
        const { manifest, report } = await importInto(library(), await framesWithPoses(c.convention, frames, c.poseOf))
        expect(report.decisions?.poses.convention).toBe(c.convention)
        expect(report.warnings.join('\n')).toMatch(
          /Pose convention: the format says camera→world .*; the poses were converted/,
        )
        for (const [k, f] of manifest.frames.entries())
          expect(maxDifference(f.worldFromCamera!, frames[k]!.pose)).toBeLessThan(1e-3)
      })

    it('poses that fit no convention are dropped with a warning', async () => {
      // Rigid but unrelated to the motion: a different random rotation and a metres-away translation per frame.
      const noise = (_: number[], k: number): number[] =>
        matrixFromTranslationQuaternion(
          [3 * Math.sin(k * 7), 2 * Math.cos(k * 3), k],
          [Math.sin(k), Math.cos(k * 2), 0.3, 0.5],
        )
      const { manifest, report } = await importInto(library(), await framesWithPoses('noise', frames, noise))
      expect(report.decisions?.poses.convention).toBe('none')
      expect(manifest.hasPoses).toBe(false)
      expect(report.warnings.join('\n')).toMatch(/Poses dropped: no convention makes consecutive frames agree/)
    })

    it('the unchanged source keeps its camera→world poses, confirmed', async () => {
      const { manifest, report } = await importInto(library(), await framesWithPoses('as-is', frames, (c2w) => c2w))
      expect(report.decisions?.poses).toMatchObject({
        convention: 'camera-to-world',
        reason: expect.stringMatching(/confirmed by consecutive frames/),
      })
      expect(maxDifference(manifest.frames[3]!.worldFromCamera!, frames[3]!.pose)).toBe(0)
    })
  },
)
