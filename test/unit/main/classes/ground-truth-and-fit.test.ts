import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ModelManifest, SessionManifest } from '../../../../src-main/contract'
import { createClasses } from '../../../../src-main/services/classes/create-classes'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'
import { fitNotices } from '../../../../src-main/services/classes/pack-fit'
import type { StoredClassSet } from '../../../../src-main/services/classes/class-set-store'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { disposers, embeddings, frames, manifest, packs, scorer, twoClasses } from './classes-fixture'

describe('Compare with ground truth', () => {
  it("gives each frame the score the evaluation gives it, and serves the truth in the set's class indices", async () => {
    const data = new DataRouter()
    const jobs = new JobRunner(new EventBus())
    const native = new InferenceWorkerClient({ log: { info: () => undefined, warn: () => undefined } })
    disposers.push(() => native.dispose())
    const classes = createClasses({
      home: mkdtempSync(join(tmpdir(), 'dve-gt-')),
      frames,
      embeddings,
      scorer,
      packs,
      manifest: async () => manifest,
      jobs,
      data,
      allowFileAccess: true,
      probeTrainer: native,
    })
    // Table first: the set's indices differ from the recording's label ids (chair 1, table 2).
    const set = await classes.service.create({ name: 'Swapped', classes: [twoClasses[1], twoClasses[0]] })
    const { jobId } = await classes.service.evaluate({ sessionId: 's', classSetId: set.id, modes: ['text'] })
    const report = await classes.service.evaluationResult({ jobId })
    const compared = await classes.service.compareGroundTruth({
      sessionId: 's',
      classSetId: set.id,
      frameIndex: 1,
      mode: 'text',
    })
    expect(compared.score).toEqual(report.modes[0]?.perFrame[1])
    expect(compared.gtPixels).toEqual([24, 24])
    expect(compared.groundTruthPath).toBe('/data/classes/ground-truth/s/user-swapped/1')

    const served = await data.handle(compared.groundTruthPath.slice('/data/'.length), new URLSearchParams())
    const body = served.body as Uint8Array
    const truth = new Uint16Array(body.buffer, body.byteOffset, body.byteLength / 2)
    // Labels: columns 0–3 chair (set index 1), 4–7 table (set index 0).
    expect(Array.from(truth.slice(0, 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0])
  })
})

const session = (format: string, labelled: string[]) =>
  ({
    id: 'kitchen',
    name: 'Kitchen',
    source: { format, path: '/x' },
    labelClasses: [
      { id: 0, name: 'void', color: [0, 0, 0] },
      ...labelled.map((name, k) => ({ id: k + 1, name, color: [0, 0, 0] })),
    ],
  }) as unknown as SessionManifest
const demoPack = {
  id: 'demo',
  dir: '/p',
  manifest: {
    name: 'demo',
    image: { embeddingDim: 256 },
    trainedOn: { description: 'the synthetic demo world', sourceFormats: ['synthetic'] },
  } as unknown as ModelManifest,
}
const set = (over: Partial<StoredClassSet>) =>
  ({
    id: 'demo',
    name: 'demo',
    source: 'pack',
    classes: ['sofa', 'bed', 'wall'].map((name) => ({ name })),
    embeddingDim: 256,
    hasMeans: true,
    hasProbe: true,
    ...over,
  }) as unknown as StoredClassSet

describe('fit notices', () => {
  it('says the demo pack does not fit a real recording, and what to do', () => {
    const [notice, ...others] = fitNotices(demoPack, session('tum', []), set({}))
    expect(notice?.id).toBe('domain:demo:kitchen')
    expect(notice?.message).toMatch(
      /trained only on the synthetic demo world\. "Kitchen" \(tum\) is not from that world/,
    )
    expect(notice?.action).toMatch(/docs\/MODELS\.md/)
    expect(others).toEqual([])
    expect(fitNotices(demoPack, session('synthetic', []), set({}))).toEqual([])
  })

  it('names the labelled classes a set lacks, a missing probe, and a probe for another model', () => {
    const ids = (notices: ReturnType<typeof fitNotices>) => notices.map((n) => n.id.split(':')[0])
    const real = { ...demoPack, manifest: { ...demoPack.manifest, trainedOn: undefined } }
    const vocabulary = fitNotices(real, session('tum', ['sofa', 'fridge', 'oven', 'sink']), set({}))
    expect(ids(vocabulary)).toEqual(['vocabulary'])
    expect(vocabulary[0]?.message).toContain(
      'names 1 of the 4 classes labelled in "Kitchen" (missing: fridge, oven, sink)',
    )
    expect(ids(fitNotices(real, session('tum', ['sofa', 'bed']), set({ hasProbe: false, source: 'builtin' })))).toEqual(
      ['no-probe'],
    )
    expect(fitNotices(real, session('tum', []), set({ hasProbe: false, source: 'user' }))[0]?.action).toMatch(
      /Paint labels of two or more classes/,
    )
    expect(ids(fitNotices(real, session('tum', []), set({ embeddingDim: 768 })))).toEqual(['probe-dim'])
  })
})
