/**
 * The NYU Depth v2 labelled set (`nyu_depth_v2_labeled.mat`, MATLAB v7.3 = HDF5) rebuilt from real
 * 7-Scenes frames with h5wasm, in MATLAB's transposed storage: images [N, 3, 640, 480] uint8, depths
 * [N, 640, 480] float metres, labels [N, 640, 480] uint16, names a cell of char arrays. The import
 * recovers the frames, the metric depth, the labels with their names and says what the file lacks.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decode } from 'fast-png'
import * as h5wasm from 'h5wasm/node'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { detectFormats } from '../../../../src-main/services/recordings/import'
import { importInto, requiredRecording, skipMessage, temporaryDirsForFile } from './import-test-kit'
import { frameSize, loadRealFrames, maxDifference, medianMeters, type RealFrame } from './real-frame-recordings'

const sevenScenes = requiredRecording('7scenes-tsdf-fusion')
const dirs = temporaryDirsForFile('nyumat-src', 'nyumat-lib')
const { width, height } = frameSize

/** Labels from depth: near pixels 21 ("wall" in the test table), far ones 300, no depth 0. */
const labelsOf = (f: RealFrame): Uint16Array => f.depthMm.map((mm) => (mm === 0 ? 0 : mm < 1800 ? 21 : 300))

/** MATLAB column-major storage of row-major planes: [channel][x][y], y fastest. */
function columnMajor<T extends Uint8Array | Uint16Array | Float32Array>(rows: T, channels: number, out: T): T {
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[(c * width + x) * height + y] = rows[(y * width + x) * channels + c]!
  return out
}

async function writeLabelledMat(path: string, frames: RealFrame[], colour: Uint8Array[]): Promise<void> {
  await h5wasm.ready
  const file = new h5wasm.File(path, 'w')
  const n = frames.length
  const pixels = width * height
  const images = new Uint8Array(n * 3 * pixels)
  const depths = new Float32Array(n * pixels)
  const labels = new Uint16Array(n * pixels)
  frames.forEach((f, k) => {
    images.set(columnMajor(colour[k]!, 3, new Uint8Array(3 * pixels)), k * 3 * pixels)
    depths.set(
      columnMajor(
        Float32Array.from(f.depthMm, (mm) => mm / 1000),
        1,
        new Float32Array(pixels),
      ),
      k * pixels,
    )
    labels.set(columnMajor(labelsOf(f), 1, new Uint16Array(pixels)), k * pixels)
  })
  file.create_dataset({ name: 'images', data: images, shape: [n, 3, width, height] })
  file.create_dataset({ name: 'depths', data: depths, shape: [n, width, height] })
  file.create_dataset({ name: 'labels', data: labels, shape: [n, width, height] })
  const refs = file.create_group('#refs#')
  const names = Array.from({ length: 894 }, (_, k) => (k === 20 ? 'wall' : k === 299 ? 'lamp' : `object ${k + 1}`))
  const references = names.map((name, k) => {
    const chars = refs.create_dataset({
      name: `c${k}`,
      data: Uint16Array.from(name, (ch) => ch.charCodeAt(0)),
      shape: [name.length, 1],
    })
    chars.create_attribute('MATLAB_class', 'char')
    return chars.create_reference()
  })
  file
    .create_dataset({ name: 'names', data: references, shape: [1, names.length] })
    .create_attribute('MATLAB_class', 'cell')
  file.close()
}

describe.skipIf(!sevenScenes)(
  `NYUv2 labelled .mat from real frames${sevenScenes ? '' : ` (${skipMessage('7scenes-tsdf-fusion')})`}`,
  () => {
    let frames: RealFrame[]
    let colour: Uint8Array[]
    const matPath = (): string => join(dirs['nyumat-src'], 'nyu_depth_v2_labeled.mat')
    beforeAll(async () => {
      frames = await loadRealFrames(sevenScenes!, 3)
      colour = await Promise.all(frames.map((f) => sharp(f.colourJpg).removeAlpha().raw().toBuffer()))
      await writeLabelledMat(matPath(), frames, colour)
    })

    it('imports every frame with its colour, metric depth and labels named from the 894-name table', async () => {
      expect((await detectFormats(matPath()))[0]).toMatchObject({ format: 'nyuv2-mat', frameCount: 3 })
      const { manifest, report, dir } = await importInto(dirs['nyumat-lib'], matPath())
      expect(report.imported).toBe(3)
      expect(Math.abs(report.decisions!.depth.medianMeters! / medianMeters(frames) - 1)).toBeLessThan(0.02)
      expect(manifest.camera).toMatchObject({ width, height, fx: 518.8579, cy: 253.7362 })
      expect(report.decisions?.intrinsics.reason).toMatch(/NYU Depth v2 toolbox/)
      expect(manifest.labelClasses?.map((c) => [c.id, c.name])).toEqual([
        [0, 'void'],
        [1, 'wall'],
        [2, 'lamp'],
      ])
      expect(report.warnings.join('\n')).toMatch(/894-name NYUv2 class table.*no NYUv2-40 mapping/)

      const frame = manifest.frames[2]!
      const depth = decode(await readFile(join(dir, frame.depth)))
      expect(maxDifference(depth.data, frames[2]!.depthMm)).toBeLessThanOrEqual(1)
      const rgb = await sharp(join(dir, frame.rgb)).raw().toBuffer()
      expect(maxDifference(rgb, colour[2]!)).toBe(0)
      const ids = decode(await readFile(join(dir, frame.labels!))).data
      const expected = labelsOf(frames[2]!).map((v) => (v === 21 ? 1 : v === 300 ? 2 : 0))
      expect(maxDifference(ids, expected)).toBe(0)
    })

    it("a .mat without the labelled set's datasets is refused naming what it holds", async () => {
      const path = join(dirs['nyumat-src'], 'other.mat')
      await h5wasm.ready
      const file = new h5wasm.File(path, 'w')
      file.create_dataset({ name: 'accelData', data: new Float32Array(4), shape: [1, 4] })
      file.close()
      await expect(importInto(dirs['nyumat-lib'], path, { format: 'nyuv2-mat' })).rejects.toThrow(
        /not the NYUv2 labelled set: it has no "images" and "depths" datasets \(it holds accelData\)/,
      )
    })
  },
)
