/**
 * Labels leave and come back exactly: index PNGs + classes.json round trip pixel for pixel (into a
 * set whose classes are in another order), the COCO export decodes with pycocotools (the reference
 * reader) to the same masks, and the browser host writes only inside its allowed roots.
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

const data = new DataRouter()
const native = new InferenceWorkerClient({ log: { info: () => undefined, warn: () => undefined } })
disposers.push(() => native.dispose())

function classesAt(home: string, browserRoots?: string[]) {
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
  return made.service
}

/** Frame 0: chair in a 3×2 block, table on the right column; frame 1: one table pixel. */
const strokes: Array<[number, number[]]> = [
  [0, [0, 3, 1, 8, 3, 1, 7, 1, 2, 15, 1, 2, 23, 1, 2]],
  [1, [47, 1, 2]],
]

async function labelled(service: ReturnType<typeof classesAt>, name: string) {
  const set = await service.create({ name, classes: twoClasses })
  for (const [frameIndex, runs] of strokes)
    await service.saveLabels({ sessionId: 's', classSetId: set.id, frameIndex, width: 8, height: 6, runs })
  return set
}

/** The stored mask (class index + 1 per pixel) as the renderer fetches it. */
async function maskOf(
  service: ReturnType<typeof classesAt>,
  classSetId: string,
  frameIndex: number,
): Promise<number[]> {
  const labels = await service.getLabels({ sessionId: 's', classSetId, frameIndex })
  const body = (
    await data.handle(
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
      const decoded = JSON.parse(
        execFileSync('python3', ['-c', script, files[0] as string], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .at(-1) as string,
      ) as { masks: Record<string, number[]>; categories: string[] }
      expect(decoded.categories).toEqual(['chair', 'table'])
      for (const [frameIndex, runs] of strokes) {
        const expected = new Array<number>(48).fill(0)
        for (let i = 0; i < runs.length; i += 3)
          expected.fill(runs[i + 2] as number, runs[i] as number, (runs[i] as number) + (runs[i + 1] as number))
        expect(decoded.masks[String(frameIndex)], `frame ${frameIndex}`).toEqual(expected)
      }
    },
  )

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
