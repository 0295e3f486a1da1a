import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createClasses } from '../../../../src-main/services/classes/create-classes'
import { LabelStore } from '../../../../src-main/services/classes/label-store'
import { DataRouter } from '../../../../src-main/services/data-router'
import { dim, embeddings, frames, manifest, packs, scorer, setup, twoClasses, waitFor } from './classes-fixture'

describe('classes service', () => {
  it("lists the built-in sets read-only with the authors' names and colours", async () => {
    const { service } = setup()
    const sets = await service.list()
    const nyu = sets.find((s) => s.id === 'nyuv2-40')
    expect(nyu?.classCount).toBe(40)
    expect(nyu?.readOnly).toBe(true)
    expect(nyu?.classes[0]).toMatchObject({ name: 'wall', color: [128, 0, 0] })
    expect(nyu?.classes[39]).toMatchObject({ name: 'otherprop', color: [64, 0, 64] })
    expect(sets.find((s) => s.id === 'sunrgbd-37')?.classes.at(-1)?.name).toBe('bag')
    expect(sets.find((s) => s.id === 'scannet-20')?.classes[12]).toMatchObject({ name: 'desk', color: [64, 128, 128] })
    await expect(service.rename({ id: 'nyuv2-40', name: 'x' })).rejects.toThrow(/read-only.*duplicate it to edit/)
  })

  it('creates, duplicates, renames and removes user sets; refuses conflicting names and hotkeys', async () => {
    const { service } = setup()
    const created = await service.create({ name: 'My room', classes: twoClasses })
    expect(created).toMatchObject({
      id: 'user-my-room',
      source: 'user',
      readOnly: false,
      classCount: 2,
      modes: ['text'],
    })
    const copy = await service.duplicate({ id: 'scannet-20', name: 'My ScanNet' })
    expect(copy.classes.map((c) => c.name)).toEqual(
      (await service.get({ id: 'scannet-20' })).classes.map((c) => c.name),
    )
    expect((await service.rename({ id: copy.id, name: 'Renamed' })).name).toBe('Renamed')
    await expect(
      service.updateClasses({ id: created.id, classes: [twoClasses[0], { ...twoClasses[1], name: 'Chair' }] }),
    ).rejects.toThrow(/both named "Chair"/)
    await expect(
      service.updateClasses({ id: created.id, classes: [twoClasses[0], { ...twoClasses[1], hotkey: 1 }] }),
    ).rejects.toThrow(/hotkey 1 is used by/)
    expect(await service.remove({ id: copy.id })).toEqual({ removed: true })
    await expect(service.get({ id: copy.id })).rejects.toThrow(/No class set/)
  })

  it('labels frames, trains the probe in the worker, and evaluates every mode against ground truth', async () => {
    const { service, jobs, heads } = setup()
    const set = await service.create({ name: 'Room', classes: twoClasses })
    // Stroke: chair on the left two columns, table on the right two columns of rows 0–1.
    const runs = [0, 2, 1, 8, 2, 1, 6, 2, 2, 14, 2, 2]
    const saved = await service.saveLabels({
      sessionId: 's',
      classSetId: set.id,
      frameIndex: 1,
      width: 8,
      height: 6,
      runs,
    })
    expect(saved.pixelCounts).toEqual([4, 4])
    expect(saved.labelMaskPath).toMatch(/^\/data\/classes\/labels\/s\/user-room\/1\?r=\d+/)
    expect(await service.labelledFrames({ sessionId: 's', classSetId: set.id })).toEqual([
      { frameIndex: 1, pixelCounts: [4, 4] },
    ])
    await expect(
      service.saveLabels({ sessionId: 's', classSetId: set.id, frameIndex: 7, width: 8, height: 6, runs }),
    ).rejects.toThrow(/has 2 frames; there is no frame 7/)
    await expect(
      service.saveLabels({ sessionId: 's', classSetId: set.id, frameIndex: 0, width: 4, height: 6, runs }),
    ).rejects.toThrow(/camera image is 8×6/)

    const { jobId } = await service.trainProbe({ classSetId: set.id, epochs: 30 })
    const info = await waitFor(jobs, jobId)
    expect(info.error).toBeNull()
    // Every run of this set's probe is one group: the jobs list shows the latest as one live job.
    expect(info.group).toBe(`probe:${set.id}`)
    const status = await service.probeStatus({ classSetId: set.id })
    expect(status.state).toBe('ready')
    expect(status.lossCurve).toHaveLength(30)
    expect(status.pixelsPerClass).toEqual([1, 1]) // one 2×2 block per class at the output stride
    expect((await service.get({ id: set.id })).modes).toEqual(['text', 'probe'])
    const probe = await heads.classHead(set.id, 'probe')
    expect(probe.weights[0]?.[0]).toBeGreaterThan(probe.weights[0]?.[1] as number)

    const means = await service.computeMeans({ classSetId: set.id })
    await waitFor(jobs, means.jobId)
    const meanHead = await heads.classHead(set.id, 'mean')
    expect(Array.from(meanHead.weights[1] ?? [])).toEqual([0, 1, 0, 0])

    const evaluation = await service.evaluate({ sessionId: 's', classSetId: set.id, modes: ['text', 'mean', 'probe'] })
    const report = await service.evaluationResult({ jobId: evaluation.jobId })
    expect(report.frames).toBe(2)
    expect(report.modes.map((m) => [m.mode, m.miou])).toEqual([
      ['text', 1],
      ['mean', 1],
      ['probe', 1],
    ])
    expect(report.unmatchedGtClasses).toEqual([])
  })

  it('refuses training without two labelled classes, and labels of frames the session lost', async () => {
    const { service, jobs, home } = setup()
    const set = await service.create({ name: 'One', classes: twoClasses })
    await service.saveLabels({
      sessionId: 's',
      classSetId: set.id,
      frameIndex: 0,
      width: 8,
      height: 6,
      runs: [0, 4, 1],
    })
    // One class painted: asked for a second one, and no job is started (none can fail).
    await expect(service.trainProbe({ classSetId: set.id })).rejects.toThrow(
      'Paint a second class to train the probe (the labels of "One" cover only chair).',
    )
    expect(await jobs.list()).toEqual([])
    expect((await service.probeStatus({ classSetId: set.id })).labelledClassCount).toBe(1)
    const means = await service.computeMeans({ classSetId: set.id })
    expect((await waitFor(jobs, means.jobId)).error).toMatch(/no labelled pixels for table; label them or remove them/)
    // A mask for frame 5 of a 2-frame session (e.g. the session was re-imported shorter).
    const { encode } = await import('fast-png')
    writeFileSync(
      join(home, 'labels', 's', set.id, '000005.png'),
      encode({ width: 8, height: 6, data: new Uint8Array(48).fill(2), channels: 1, depth: 8 }),
    )
    const second = await service.trainProbe({ classSetId: set.id })
    expect((await waitFor(jobs, second.jobId)).error).toMatch(/000005\.png: labels for frame 5, but "s" has 2 frames/)
  })

  it('keeps the probe status right after saves, imports and deletes without decoding the masks again', async () => {
    const { service, home } = setup()
    const set = await service.create({ name: 'Status', classes: twoClasses })
    const save = (frameIndex: number, runs: number[], replace = false) =>
      service.saveLabels({ sessionId: 's', classSetId: set.id, frameIndex, width: 8, height: 6, runs, replace })
    const reads = vi.spyOn(LabelStore.prototype, 'read')
    /** The status's labelled class count, and how many masks it decoded for it. */
    const status = async () => {
      reads.mockClear()
      const count = (await service.probeStatus({ classSetId: set.id })).labelledClassCount
      return { count, decoded: reads.mock.calls.length }
    }
    try {
      expect(await status()).toEqual({ count: 0, decoded: 0 })
      await save(0, [0, 4, 1])
      expect(await status()).toEqual({ count: 1, decoded: 0 })
      await save(1, [0, 4, 2])
      expect(await status()).toEqual({ count: 2, decoded: 0 })
      // Frame 1 erased (a whole-mask save of nothing deletes its mask): one class left.
      await save(1, [], true)
      expect(await status()).toEqual({ count: 1, decoded: 0 })
      // Labels imported into the set, then a mask rewritten by another process (the CLI beside the console).
      await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: join(home, 'labels-out') })
      const other = await service.create({ name: 'Imported into', classes: twoClasses })
      await service.importLabels({ sessionId: 's', classSetId: other.id, dir: join(home, 'labels-out') })
      reads.mockClear()
      expect((await service.probeStatus({ classSetId: other.id })).labelledClassCount).toBe(1)
      expect(reads).not.toHaveBeenCalled()
      const { encode } = await import('fast-png')
      writeFileSync(
        join(home, 'labels', 's', set.id, '000000.png'),
        encode({ width: 8, height: 6, data: new Uint8Array(48).fill(2).fill(1, 0, 4), channels: 1, depth: 8 }),
      )
      expect(await status()).toEqual({ count: 2, decoded: 1 })
      expect(await status()).toEqual({ count: 2, decoded: 0 })
      // The set removed with its labels; a new set of the same name starts unlabelled.
      await service.remove({ id: set.id })
      const again = await service.create({ name: 'Status', classes: twoClasses })
      expect(again.id).toBe(set.id)
      expect(await status()).toEqual({ count: 0, decoded: 0 })
    } finally {
      reads.mockRestore()
    }
  })

  it('exports and imports a class set with its probe, and refuses a probe of the wrong dimension', async () => {
    const { service, jobs, home, heads, native } = setup()
    const set = await service.create({ name: 'Export me', classes: twoClasses })
    await service.saveLabels({
      sessionId: 's',
      classSetId: set.id,
      frameIndex: 0,
      width: 8,
      height: 6,
      runs: [0, 2, 1, 6, 2, 2],
    })
    await waitFor(jobs, (await service.trainProbe({ classSetId: set.id, epochs: 2 })).jobId)
    const outDir = join(home, 'export')
    const { files } = await service.exportClassSet({ id: set.id, outDir })
    expect(files.map((f) => f.slice(outDir.length + 1)).sort()).toEqual([
      `${set.id}.json`,
      `${set.id}.probe-bias.npy`,
      `${set.id}.probe.npy`,
    ])
    const imported = await service.importClassSet({ path: join(outDir, `${set.id}.json`), name: 'Imported' })
    expect(imported).toMatchObject({ name: 'Imported', hasProbe: true, embeddingDim: dim })
    const original = await heads.classHead(set.id, 'probe')
    expect(Array.from((await heads.classHead(imported.id, 'probe')).weights[1] ?? [])).toEqual(
      Array.from(original.weights[1] ?? []),
    )
    const labels = await service.exportLabels({ sessionId: 's', classSetId: set.id, outDir: join(home, 'labels-out') })
    expect(labels.files.map((f) => f.split('/').at(-1))).toEqual(['000000.png', 'classes.json'])
    // Back into a set whose classes are in the other order: values follow the names.
    const swapped = await service.create({ name: 'Swapped', classes: [twoClasses[1], twoClasses[0]] })
    expect(
      await service.importLabels({ sessionId: 's', classSetId: swapped.id, dir: join(home, 'labels-out') }),
    ).toEqual({ frames: [0] })
    expect((await service.getLabels({ sessionId: 's', classSetId: swapped.id, frameIndex: 0 })).pixelCounts).toEqual([
      2, 2,
    ])
    const mask = await new LabelStore(join(home, 'labels')).read('s', swapped.id, 0)
    expect(Array.from(mask?.data.subarray(0, 8) ?? [])).toEqual([2, 2, 0, 0, 0, 0, 1, 1])
    const other = await service.create({ name: 'Other', classes: [{ ...twoClasses[0], name: 'lamp' }] })
    await expect(
      service.importLabels({ sessionId: 's', classSetId: other.id, dir: join(home, 'labels-out') }),
    ).rejects.toThrow(/classes\.json: class "chair" \(value 1\) is not in the class set/)

    // The same probe against a model that embeds in 8 dimensions.
    const wide = createClasses({
      home,
      frames,
      embeddings,
      scorer,
      manifest: async () => manifest,
      jobs,
      data: new DataRouter(),
      allowFileAccess: true,
      probeTrainer: native,
      packs: {
        ...packs,
        activePack: () => ({
          id: 'wide',
          dir: '/x',
          manifest: { classSets: [], text: null, image: { embeddingDim: 8 } } as never,
        }),
      },
    })
    await expect(wide.heads.classHead(set.id, 'probe')).rejects.toThrow(
      /probe has dimension 4, but the active model "wide" embeds in 8/,
    )
    // A fresh service reads the probe status from disk; a damaged file is named, not ignored.
    expect((await wide.service.probeStatus({ classSetId: set.id })).state).toBe('ready')
    writeFileSync(join(home, 'class-sets', set.id, 'probe-status.json'), '{"state": "ready"}')
    await expect(wide.service.probeStatus({ classSetId: set.id })).rejects.toThrow(
      /probe-status\.json: error: .*train the probe again to rewrite it/,
    )
  })
})
