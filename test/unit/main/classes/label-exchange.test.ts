/**
 * Labels leave and come back exactly: index PNGs + classes.json round trip pixel for pixel (into a
 * set whose classes are in another order), the COCO export decodes with pycocotools (the reference
 * reader) to the same masks, COCO panoptic's segment PNGs decode to them too (and come back
 * pixel-exact), and the browser host writes only inside its allowed roots.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createClasses } from '../../../../src-main/services/classes/create-classes'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'
import { PathPolicy } from '../../../../src-main/services/security/path-policy'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { disposers, embeddings, frames, manifest, packs, scorer, twoClasses } from './classes-fixture'
import type { ClassDefInput } from '../../../../src-main/contract'

/** Each service serves its masks through its own router (one per home). */
const routers = new WeakMap<object, DataRouter>()
const native = new InferenceWorkerClient({ log: { info: () => undefined, warn: () => undefined } })
disposers.push(() => native.dispose())

function classesAt(home: string, browserRoots?: string[]) {
  const data = new DataRouter()
  const made = createClasses({
    home,
    frames,
    embeddings,
    scorer,
    packs,
    manifest: async () => manifest,
    jobs: new JobRunner(new EventBus()),
    data,
    allowFileAccess: !browserRoots,
    probeTrainer: native,
    ...(browserRoots
      ? { policy: new PathPolicy({ mode: 'browser', readRoots: browserRoots, writeRoots: browserRoots }) }
      : {}),
  })
  routers.set(made.service, data)
  return made.service
}

/** Frame 0: chair in a 3×2 block, table on the right column; frame 1: one table pixel. */
const strokes: Array<[number, number[]]> = [
  [0, [0, 3, 1, 8, 3, 1, 7, 1, 2, 15, 1, 2, 23, 1, 2]],
  [1, [47, 1, 2]],
]

async function labelled(
  service: ReturnType<typeof classesAt>,
  name: string,
  classes: ClassDefInput[] = twoClasses,
  painted: Array<[number, number[]]> = strokes,
) {
  const set = await service.create({ name, classes })
  for (const [frameIndex, runs] of painted)
    await service.saveLabels({ sessionId: 's', classSetId: set.id, frameIndex, width: 8, height: 6, runs })
  return set
}

/** The 8×6 index mask that `runs` (start, length, value triples) paint. */
function maskFromRuns(runs: number[]): number[] {
  const mask = new Array<number>(48).fill(0)
  for (let i = 0; i < runs.length; i += 3)
    mask.fill(runs[i + 2] as number, runs[i] as number, (runs[i] as number) + (runs[i + 1] as number))
  return mask
}

/** Runs a reference-reader script on `path` and parses the JSON it prints last. */
function readWithPython<T>(script: string, path: string): T {
  return JSON.parse(
    execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).split('\n').filter(Boolean).at(-1) as string,
  ) as T
}

/** The stored mask (class index + 1 per pixel) as the renderer fetches it. */
async function maskOf(
  service: ReturnType<typeof classesAt>,
  classSetId: string,
  frameIndex: number,
): Promise<number[]> {
  const labels = await service.getLabels({ sessionId: 's', classSetId, frameIndex })
  const body = (
    await (routers.get(service) as DataRouter).handle(
      (labels.labelMaskPath ?? '').slice('/data/'.length).split('?')[0] as string,
      new URLSearchParams(),
    )
  ).body as Uint8Array
  return Array.from(new Uint16Array(body.slice().buffer))
}

describe('label exchange', () => {
  it('exports index PNGs and imports them back pixel-exact, by class name', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-exchange-'))
    const service = classesAt(home)
    const set = await labelled(service, 'Out')
    const out = join(home, 'exported')
    const { files } = await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: out, format: 'png' })
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['000000.png', '000001.png', 'classes.json'])
    const swapped = await service.create({ name: 'Back', classes: [twoClasses[1], twoClasses[0]] })
    expect(await service.importLabels({ sessionId: 's', classSetId: swapped.id, dir: out })).toEqual({ frames: [0, 1] })
    for (const [frameIndex] of strokes) {
      const before = await maskOf(service, set.id, frameIndex)
      // The other set lists table first: the same pixels, each carrying the same class by name.
      const swap = [0, 2, 1]
      expect(await maskOf(service, swapped.id, frameIndex)).toEqual(before.map((v) => swap[v]))
      expect(before.filter((v) => v > 0).length).toBe(frameIndex === 0 ? 9 : 1)
    }
  })

  it('never replaces files of a previous export unless asked, and names what it would replace', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-exchange-'))
    const service = classesAt(home)
    const set = await labelled(service, 'Twice')
    const out = join(home, 'exported')
    await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: out, format: 'png' })
    writeFileSync(join(out, '000000.png'), 'mine')
    writeFileSync(join(out, 'notes.txt'), 'unrelated')
    await expect(
      service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: out, format: 'png' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        /already holds 3 of the files this export writes \(000000\.png, 000001\.png, classes\.json\)/,
      ),
    })
    expect(readFileSync(join(out, '000000.png'), 'utf8')).toBe('mine') // nothing was written
    await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: out, format: 'png', overwrite: true })
    expect(readFileSync(join(out, '000000.png')).subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('unrelated')

    // A class set: only files named after it clash; other files in the folder do not.
    const setOut = join(home, 'sets')
    mkdirSync(setOut)
    writeFileSync(join(setOut, 'other.json'), '{}')
    const first = await service.exportClassSet({ id: set.id, outDir: setOut })
    await expect(service.exportClassSet({ id: set.id, outDir: setOut })).rejects.toMatchObject({ code: 'conflict' })
    expect((await service.exportClassSet({ id: set.id, outDir: setOut, overwrite: true })).files).toEqual(first.files)
  })

  const python = spawnSync('python3', ['-c', 'import pycocotools.mask'], { encoding: 'utf8' })
  const noReader = python.status !== 0
  if (noReader && process.env.CI === 'true')
    throw new Error('pycocotools is required under CI=true (pip install pycocotools)')
  it.skipIf(noReader)(
    noReader
      ? 'COCO export — skipped: python3 with pycocotools is missing'
      : 'writes COCO that pycocotools decodes to the painted masks',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'dve-coco-'))
      const service = classesAt(home)
      const set = await labelled(service, 'Coco')
      const { files } = await service.exportLabels({
        sessionId: 's',
        classSetId: set.id,
        outDir: join(home, 'coco'),
        format: 'coco',
      })
      // The reference reader rebuilds each frame's index mask from the annotations (category id = class + 1).
      const script = [
        'import json, sys, numpy as np',
        'from pycocotools.coco import COCO',
        'coco = COCO(sys.argv[1])',
        'out = {}',
        'for img in coco.dataset["images"]:',
        '    m = np.zeros((img["height"], img["width"]), np.int64)',
        '    for a in coco.loadAnns(coco.getAnnIds(imgIds=[img["id"]])):',
        '        m[coco.annToMask(a) > 0] = a["category_id"]',
        '        assert a["area"] == int(coco.annToMask(a).sum())',
        '    out[img["frame_index"]] = m.flatten().tolist()',
        'print(json.dumps({"masks": out, "categories": [c["name"] for c in coco.loadCats(coco.getCatIds())]}))',
      ].join('\n')
      const decoded = readWithPython<{ masks: Record<string, number[]>; categories: string[] }>(
        script,
        files[0] as string,
      )
      expect(decoded.categories).toEqual(['chair', 'table'])
      for (const [frameIndex, runs] of strokes)
        expect(decoded.masks[String(frameIndex)], `frame ${frameIndex}`).toEqual(maskFromRuns(runs))
    },
  )

  // Frame 0 (8×6): chair in two separate blobs (two thing segments), wall in two patches (one stuff segment).
  const panopticClasses: [ClassDefInput, ClassDefInput] = [
    twoClasses[0],
    { ...twoClasses[1], name: 'Wall', prompts: ['wall'] },
  ]
  const panopticStrokes: Array<[number, number[]]> = [
    [0, [0, 2, 1, 8, 2, 1, 6, 2, 2, 30, 2, 2, 44, 3, 1]],
    [1, [9, 1, 1]],
  ]
  const noPil = spawnSync('python3', ['-c', 'import numpy, PIL.Image'], { encoding: 'utf8' }).status !== 0
  if (noPil && process.env.CI === 'true') throw new Error('numpy and Pillow are required under CI=true')
  it.skipIf(noPil)(
    noPil
      ? 'COCO panoptic — skipped: python3 with numpy and Pillow is missing'
      : 'writes COCO panoptic that decodes (id = R + 256·G + 256²·B) to the painted masks and imports back pixel-exact',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'dve-panoptic-'))
      const service = classesAt(home)
      const set = await labelled(service, 'Pan', panopticClasses, panopticStrokes)
      const out = join(home, 'panoptic')
      const { files } = await service.exportLabels({
        sessionId: 's',
        classSetId: set.id,
        outDir: out,
        format: 'coco-panoptic',
      })
      expect(files.map((f) => f.slice(out.length + 1))).toEqual([
        `panoptic_s.${set.id}.json`,
        `panoptic_s.${set.id}/000000.png`,
        `panoptic_s.${set.id}/000001.png`,
      ])
      // Read as COCO's panopticapi does: the PNG's RGB gives segment ids, segments_info their categories.
      const script = [
        'import json, sys, os, numpy as np',
        'from PIL import Image',
        'path = sys.argv[1]',
        'd = json.load(open(path))',
        'cats = {c["id"]: c for c in d["categories"]}',
        'frames = {i["id"]: i["frame_index"] for i in d["images"]}',
        'out = {}',
        'for a in d["annotations"]:',
        '    rgb = np.array(Image.open(os.path.join(path[:-5], a["file_name"])).convert("RGB"), np.uint32)',
        '    ids = rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]',
        '    m = np.zeros(ids.shape, np.int64)',
        '    segs = {}',
        '    for s in a["segments_info"]:',
        '        sel = ids == s["id"]',
        '        assert s["area"] == int(sel.sum()), s',
        '        ys, xs = np.nonzero(sel)',
        '        assert s["bbox"] == [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)], s',
        '        m[sel] = s["category_id"]',
        '        name = cats[s["category_id"]]["name"]',
        '        segs[name] = segs.get(name, 0) + 1',
        '    assert set(np.unique(ids)) <= {0} | {s["id"] for s in a["segments_info"]}',
        '    out[frames[a["image_id"]]] = {"mask": m.flatten().tolist(), "segments": segs}',
        'print(json.dumps({"frames": out, "isthing": {c["name"]: c["isthing"] for c in d["categories"]}}))',
      ].join('\n')
      const decoded = readWithPython<{
        frames: Record<string, { mask: number[]; segments: Record<string, number> }>
        isthing: Record<string, number>
      }>(script, files[0] as string)
      expect(decoded.isthing).toEqual({ chair: 1, Wall: 0 })
      expect(decoded.frames['0']?.segments).toEqual({ chair: 2, Wall: 1 })
      for (const [frameIndex, runs] of panopticStrokes)
        expect(decoded.frames[String(frameIndex)]?.mask, `frame ${frameIndex}`).toEqual(maskFromRuns(runs))
      // Back into a set listing the classes the other way round: the same pixels, by class name.
      const swapped = await service.create({ name: 'Pan back', classes: [panopticClasses[1], panopticClasses[0]] })
      expect(await service.importLabels({ sessionId: 's', classSetId: swapped.id, dir: out })).toEqual({
        frames: [0, 1],
      })
      for (const [frameIndex] of panopticStrokes) {
        const before = await maskOf(service, set.id, frameIndex)
        expect(await maskOf(service, swapped.id, frameIndex)).toEqual(before.map((v) => [0, 2, 1][v]))
      }
    },
  )

  it('refuses a panoptic PNG with a segment id its JSON does not list, naming the file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-panoptic-bad-'))
    const service = classesAt(home)
    const set = await labelled(service, 'Bad', panopticClasses, [[0, [0, 4, 1]]])
    const out = join(home, 'panoptic')
    const [json] = (
      await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: out, format: 'coco-panoptic' })
    ).files
    const parsed = JSON.parse(readFileSync(json as string, 'utf8')) as {
      annotations: Array<{ segments_info: unknown[] }>
    }
    for (const a of parsed.annotations) a.segments_info = []
    writeFileSync(json as string, JSON.stringify(parsed))
    await expect(service.importLabels({ sessionId: 's', classSetId: set.id, dir: out })).rejects.toThrow(
      /000000\.png: pixel 0 has segment id 1, which segments_info does not list/,
    )
  })

  it('in browser mode, exports and imports only inside the allowed roots', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-roots-'))
    const allowed = join(home, 'allowed')
    mkdirSync(allowed)
    const service = classesAt(home, [allowed])
    const set = await labelled(service, 'Rooted')
    // A folder still to be made inside a root is fine; one outside is refused (the path policy's one answer).
    const { files } = await service.exportLabels({
      sessionId: 's',
      classSetId: set.id,
      outDir: join(allowed, 'new', 'labels'),
      format: 'png',
    })
    expect(files).toHaveLength(3)
    await expect(
      service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: join(home, 'elsewhere'), format: 'png' }),
    ).rejects.toThrow(/not available \(it does not exist, or lies outside the folders this console may use\)/)
    await expect(service.importLabels({ sessionId: 's', classSetId: set.id, dir: '/etc' })).rejects.toThrow(
      /not available \(it does not exist, or lies outside the folders this console may use\)/,
    )
  })
})
