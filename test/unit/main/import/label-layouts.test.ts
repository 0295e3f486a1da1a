/**
 * Label images in the layouts of NYUv2 / SUN RGB-D exports (labels_40/), ScanNet (label-filt/ with
 * its class table) and a plain labels/ folder, next to real 7-Scenes frames: they become the
 * session's ground truth with the source's class names, or numbered classes where it has none.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decode, encode } from 'fast-png'
import { beforeAll, describe, expect, it } from 'vitest'
import { importInto, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import { copyColour, frameSize, loadRealFrames, matrixLines, writePng16, type RealFrame } from './real-frame-recordings'
import { writeText } from './synthetic-sources'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('labels-src', 'labels-lib')

/** A label image from the frame's depth: near pixels `near`, far ones `far`, no depth 0. */
function labelsFromDepth(f: RealFrame, near: number, far: number): Uint16Array {
  return f.depthMm.map((mm) => (mm === 0 ? 0 : mm < 1800 ? near : far))
}

async function writeLabelPng(path: string, values: Uint16Array, depth: 8 | 16): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(
    path,
    encode({ ...frameSize, data: depth === 8 ? Uint8Array.from(values) : values, depth, channels: 1 }),
  )
}

describe.skipIf(!sevenScenes)(
  `label layouts from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 3)
    })
    const library = (): string => dirs['labels-lib']

    it('NYUv2-style labels_40/: the NYUv2 40-class names, values kept as ids', async () => {
      const dir = join(dirs['labels-src'], 'nyu')
      for (const f of frames) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${f.number}.jpg`))
        await writePng16(join(dir, 'depth', `${f.number}.png`), f.depthMm)
        await writeLabelPng(join(dir, 'labels_40', `${f.number}.png`), labelsFromDepth(f, 5, 1), 8)
      }
      const { manifest, report, dir: session } = await importInto(library(), dir)
      expect(manifest.labelClasses?.map((c) => [c.id, c.name])).toEqual([
        [0, 'void'],
        [1, 'wall'],
        [5, 'chair'],
      ])
      expect(report.warnings.join('\n')).toMatch(
        /3 of 3 frames have a label image in labels_40\/ \(2 classes from the NYUv2 40-class table/,
      )
      const written = decode(await readFile(join(session, manifest.frames[1]!.labels!)))
      const expected = labelsFromDepth(frames[1]!, 5, 1)
      expect([...written.data].every((v, k) => v === expected[k])).toBe(true)
    })

    it('ScanNet label-filt/ with scannetv2-labels.combined.tsv: names from the table, ids made dense for 8-bit images', async () => {
      const dir = join(dirs['labels-src'], 'scannet')
      for (const [k, f] of frames.entries()) {
        await copyColour(f.colourJpg, join(dir, 'color', `${k}.jpg`))
        await writePng16(join(dir, 'depth', `${k}.png`), f.depthMm)
        await writeText(join(dir, 'pose', `${k}.txt`), matrixLines(f.pose))
        await writeLabelPng(join(dir, 'label-filt', `${k}.png`), labelsFromDepth(f, 1163, 2), 16)
      }
      await writeText(join(dir, 'intrinsic', 'intrinsic_depth.txt'), '585 0 320 0\n0 585 240 0\n0 0 1 0\n0 0 0 1\n')
      await writeText(
        join(dir, 'scannetv2-labels.combined.tsv'),
        'id\traw_category\tcategory\tcount\n1\twall\twall\t9\n2\tchair\tchair\t9\n1163\tstick\tstick\t1\n',
      )
      const { manifest, dir: session } = await importInto(library(), dir)
      expect(manifest.labelClasses?.map((c) => [c.id, c.name])).toEqual([
        [0, 'void'],
        [1, 'chair'],
        [2, 'stick'],
      ])
      const written = decode(await readFile(join(session, manifest.frames[0]!.labels!)))
      const source = labelsFromDepth(frames[0]!, 1163, 2)
      expect([...written.data].every((v, k) => v === (source[k] === 1163 ? 2 : source[k] === 2 ? 1 : 0))).toBe(true)
    })

    it('a labels/ folder without a class table: numbered classes', async () => {
      const dir = join(dirs['labels-src'], 'numbered')
      for (const f of frames) {
        await copyColour(f.colourJpg, join(dir, 'rgb', `${f.number}.jpg`))
        await writePng16(join(dir, 'depth', `${f.number}.png`), f.depthMm)
        await writeLabelPng(join(dir, 'labels', `${f.number}.png`), labelsFromDepth(f, 7, 3), 8)
      }
      const { manifest, report } = await importInto(library(), dir)
      expect(manifest.labelClasses?.map((c) => c.name)).toEqual(['void', 'class 3', 'class 7'])
      expect(report.warnings.join('\n')).toMatch(/numbered classes/)
      expect(manifest.frames.every((f) => f.labels)).toBe(true)
    })
  },
)
