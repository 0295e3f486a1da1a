/** Models + inference services end to end on the tiny fixture packs, with the real worker and ORT. */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { afterEach, describe, expect, it } from 'vitest'
import { ConsoleError, type JobInfo } from '../../../../src-main/contract'
import { FakeFrames, makeHarness, type Harness } from './inference-test-kit'

let harness: Harness | null = null
afterEach(async () => {
  await harness?.dispose()
  harness = null
})

function norm(data: Float32Array, offset: number, dim: number): number {
  let sum = 0
  for (let c = 0; c < dim; c++) sum += (data[offset + c] as number) ** 2
  return Math.sqrt(sum)
}

async function finished(h: Harness, jobId: string): Promise<JobInfo> {
  for (;;) {
    const job = (await h.jobs.list()).find((j) => j.id === jobId)
    if (job && job.state !== 'running') return job
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('models service', () => {
  it('lists packs, prefers the pack named demo, and remembers the choice', async () => {
    harness = makeHarness({ demo: 'tiny', fullres: 'fullres', alpha: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]))
    const { models } = harness.inference
    const packs = await models.list()
    expect(packs.map((p) => p.id)).toEqual(['alpha', 'demo', 'fullres'])
    expect(packs.find((p) => p.active)?.id).toBe('demo')
    expect(packs.every((p) => p.valid)).toBe(true)

    const checked = await models.get({ id: 'fullres' })
    expect(checked.graph?.ok).toBe(true)
    expect(checked.graph?.imageOutputDims).toEqual([1, 8, 48, 64])

    await models.activate({ id: 'alpha' })
    const settings = JSON.parse(readFileSync(join(harness.home, 'settings.json'), 'utf8')) as {
      models: { activePack: string }
    }
    expect(settings.models.activePack).toBe('alpha')
    expect((await models.providers()).active).toBe('cpu')
    expect((await models.providers()).fallbacks.map((f) => f.split(':')[0])).toEqual(['tensorrt', 'cuda'])

    const again = makeHarness({}, new FakeFrames([]), { home: harness.home })
    try {
      // same home, packs folder already there: the remembered choice wins over "demo"
      expect((await again.inference.models.list()).find((p) => p.active)?.id).toBe('alpha')
    } finally {
      await again.dispose()
    }
  })

  it('reads real output dims from a first run (the declared ones are wrong)', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([]))
    const info = await harness.inference.models.get({ id: 'tiny' })
    expect(info.valid).toBe(true)
    expect(info.graph?.imageOutputDims).toEqual([1, 8, 12, 16])
  })
})

describe('frame embeddings and heads', () => {
  it('returns normalised HWC maps at the output stride, cached on disk as fp16', async () => {
    const frames = new FakeFrames([{ depthMeters: 1.5 }, { depthMeters: 2.5 }])
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const { inference } = harness.inference
    const map = await inference.frameEmbeddings('s1', 1)
    expect([map.dim, map.width, map.height]).toEqual([8, 16, 12])
    expect(map.scaleX).toBe(80 / 16)
    for (let p = 0; p < map.width * map.height; p += 17) expect(norm(map.data, p * 8, 8)).toBeCloseTo(1, 2)
    const status = await inference.cacheStatus({ sessionId: 's1' })
    expect(status.sessionFramesCached).toBe(1)
    expect(status.bytes).toBe(32 + 8 * 16 * 12 * 2)

    const loadsBefore = frames.loads
    const again = await inference.frameEmbeddings('s1', 1)
    expect(frames.loads).toBe(loadsBefore) // from the cache, not the model
    expect([...again.data]).toEqual([...map.data])
    const other = await inference.frameEmbeddings('s1', 0)
    expect([...other.data]).not.toEqual([...map.data])
  })

  it('answers without waiting for the cache write; a write that fails is a warning, not a failed frame', async () => {
    const frames = new FakeFrames([{ depthMeters: 1.5 }, { depthMeters: 2.5 }])
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const { inference } = harness.inference
    // The cache's folder cannot be made: every write fails (as on a full or read-only disk).
    rmSync(harness.paths.cache, { recursive: true, force: true })
    writeFileSync(harness.paths.cache, 'a file where the cache folder should be')
    const map = await inference.frameEmbeddings('s1', 1)
    expect([map.dim, map.width, map.height]).toEqual([8, 16, 12])
    const status = await inference.cacheStatus({ sessionId: 's1' }) // waits for the write, which failed
    expect(status.sessionFramesCached).toBe(0)
    const warnings = harness.logger.recent().filter((l) => l.level === 'warn')
    expect(warnings.map((l) => l.message)).toEqual([
      expect.stringMatching(/^Frame 1 of "s1" was embedded but not cached: /),
    ])
  })

  it('keeps the last two decoded maps (a live frame is embedded, scored, then asked), forgotten with the cache', async () => {
    const frames = new FakeFrames(Array.from({ length: 3 }, (_, i) => ({ depthMeters: 1 + i })))
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const { inference } = harness.inference
    const first = await inference.frameEmbeddings('s1', 0)
    expect(await inference.frameEmbeddings('s1', 0)).toBe(first)
    const second = await inference.frameEmbeddings('s1', 1)
    await inference.frameEmbeddings('s1', 2)
    expect(await inference.frameEmbeddings('s1', 1)).toBe(second)
    // Frame 0 fell out of the two kept: read from the disk cache again, equal but not the same object.
    const reread = await inference.frameEmbeddings('s1', 0)
    expect(reread).not.toBe(first)
    expect([...reread.data]).toEqual([...first.data])
    const loads = frames.loads
    await inference.clearCache({ sessionId: 's1' })
    const fresh = await inference.frameEmbeddings('s1', 0)
    expect(fresh).not.toBe(reread)
    expect(frames.loads).toBe(loads + 1) // embedded again: neither the kept map nor the cache answered
  })

  it('scores pixels by cosine (+ bias) with the Gemm head, channel-major', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]))
    const { inference } = harness.inference
    const map = await inference.frameEmbeddings('s1', 0)
    const a = map.data.slice(0, 8)
    const b = map.data.slice(8 * 40, 8 * 41)
    const scores = await inference.scoreFrame('s1', 0, [a, b], Float32Array.of(0, 0.5))
    expect([scores.count, scores.width, scores.height]).toEqual([2, 16, 12])
    const pixels = 16 * 12
    for (const p of [0, 40, 77, 191]) {
      let dotA = 0
      let dotB = 0
      for (let c = 0; c < 8; c++) {
        dotA += (map.data[p * 8 + c] as number) * (a[c] as number)
        dotB += (map.data[p * 8 + c] as number) * (b[c] as number)
      }
      expect(scores.scores[p]).toBeCloseTo(dotA, 4)
      expect(scores.scores[pixels + p]).toBeCloseTo(dotB + 0.5, 4)
    }
    expect(scores.scores[0]).toBeCloseTo(1, 2)
    await expect(inference.scoreFrame('s1', 0, [new Float32Array(5)])).rejects.toThrow(
      /5 values; the model's embeddings have 8/,
    )
  })

  it('makes argmax class maps with the best score per pixel', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]))
    const { inference } = harness.inference
    const map = await inference.frameEmbeddings('s1', 0)
    const rows = [map.data.slice(0, 8), map.data.slice(8 * 100, 8 * 101), map.data.slice(8 * 191, 8 * 192)]
    const bias = Float32Array.of(0, 0.01, -0.01)
    const classes = await inference.classifyFrame('s1', 0, rows, bias)
    const scores = await inference.scoreFrame('s1', 0, rows, bias)
    const pixels = 16 * 12
    expect([classes.count, classes.width, classes.height, classes.classIndex.length]).toEqual([3, 16, 12, pixels])
    for (let p = 0; p < pixels; p++) {
      const column = [0, 1, 2].map((k) => scores.scores[k * pixels + p] as number)
      const best = column.indexOf(Math.max(...column))
      expect(classes.classIndex[p]).toBe(best)
      expect(classes.bestScore[p]).toBeCloseTo(column[best] as number, 5)
    }
    expect(classes.classIndex[100]).toBe(1)
  })

  it('serves a PCA image of a frame as PNG', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]))
    const response = await harness.data.handle('inference/s1/0/pca', new URLSearchParams())
    expect(response.contentType).toBe('image/png')
    const png = decode(response.body)
    expect([png.width, png.height, png.channels]).toEqual([16, 12, 3])
    expect(new Set(png.data).size).toBeGreaterThan(10)
    await expect(harness.data.handle('inference/s1/x/pca', new URLSearchParams())).rejects.toThrow(
      /Frame index "x" is not a non-negative integer/,
    )
  })

  it('pools stride-1 outputs down to the cache resolution', async () => {
    harness = makeHarness({ fullres: 'fullres' }, new FakeFrames([{ depthMeters: 1.5 }]), { maxMapWidth: 16 })
    const map = await harness.inference.inference.frameEmbeddings('s1', 0)
    expect([map.dim, map.width, map.height, map.scaleX]).toEqual([8, 16, 12, 5])
    expect(norm(map.data, 8 * 20, 8)).toBeCloseTo(1, 2)
  })
})

describe('text encoder', () => {
  it('embeds prompts through the template, normalised, and compares them', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([]))
    const result = await harness.inference.inference.embedText({ texts: ['red chair', 'Red Chair', 'blue sofa'] })
    expect(result.dim).toBe(8)
    expect(result.items[0]?.prompt).toBe('a detailed photo of a red chair')
    for (const item of result.items) expect(item.norm).toBeCloseTo(1, 5)
    expect(result.cosines[0]?.[1]).toBeCloseTo(1, 5) // the tokenizer lower-cases
    expect(result.cosines[0]?.[2]).toBeLessThan(0.999)
    expect(result.cosines[2]?.[0]).toBeCloseTo(result.cosines[0]?.[2] as number, 6)
    expect(harness.inference.inference.promptTemplate()).toBe('a detailed photo of a {}')
  })
})

describe('batch runs', () => {
  it('runs a frame range as a job, caches every frame and resumes from the cache', async () => {
    const frames = new FakeFrames(Array.from({ length: 6 }, () => ({ depthMeters: 1.2 })))
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const { inference } = harness.inference
    const first = await inference.runOnSession({ sessionId: 's1', frames: { start: 1, end: 4 } })
    const job = await finished(harness, first.jobId)
    expect(job.state).toBe('done')
    expect(job.message).toMatch(/3 frames \(3 computed, 0 cached\)/)
    const second = await finished(harness, (await inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(second.message).toMatch(/6 frames \(3 computed, 3 cached\)/)
    expect((await inference.cacheStatus({ sessionId: 's1' })).sessionFramesCached).toBe(6)
    await expect(inference.runOnSession({ sessionId: 's1', frames: { start: 2, end: 9 } })).rejects.toThrow(
      /outside session "s1", which has 6 frames/,
    )
  })

  it('cancels between frames and keeps what was done', async () => {
    const frames = new FakeFrames(Array.from({ length: 20 }, () => ({ depthMeters: 1.1 })))
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const h = harness
    let jobId = ''
    frames.beforeLoad = async (index) => {
      if (index === 4) await h.jobs.cancel({ id: jobId })
    }
    jobId = (await h.inference.inference.runOnSession({ sessionId: 's1' })).jobId
    const job = await finished(h, jobId)
    expect(job.state).toBe('cancelled')
    const cached = (await h.inference.inference.cacheStatus({ sessionId: 's1' })).sessionFramesCached
    expect(cached).toBeGreaterThanOrEqual(3)
    expect(cached).toBeLessThan(20)
    await expect(h.inference.inference.runResult({ jobId })).rejects.toThrow(/cancelled/)
  })

  it('stops clearly when another pack is activated during the run', async () => {
    const frames = new FakeFrames(Array.from({ length: 10 }, () => ({ depthMeters: 1.1 })))
    harness = makeHarness({ alpha: 'tiny', beta: 'tiny' }, frames)
    const h = harness
    frames.beforeLoad = async (index) => {
      if (index === 3) await h.inference.models.activate({ id: 'beta' })
    }
    const job = await finished(h, (await h.inference.inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/active model pack changed during the run \(it was "alpha"\)/)
  })

  it('fails clearly on a frame without depth', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([{ depthMeters: 1 }, { depthMeters: null }]))
    const job = await finished(harness, (await harness.inference.inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/Frame 1 of session "s1".*has no depth image/)
  })

  it('fails clearly when the model throws mid-batch, keeping the frames before', async () => {
    const depths = [1, 1.5, 9, 1]
    harness = makeHarness({ throws: 'throws' }, new FakeFrames(depths.map((d) => ({ depthMeters: d }))))
    const { inference } = harness.inference
    const job = await finished(harness, (await inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(job.state).toBe('failed')
    expect(job.error).toMatch(/Frame 2 of session "s1".*(Gather|indices)/i)
    expect((await inference.cacheStatus({ sessionId: 's1' })).sessionFramesCached).toBe(2)
  })

  it('fails the running batch clearly when the native-work process dies, restarts it, and keeps the cache', async () => {
    const frames = new FakeFrames(Array.from({ length: 5 }, () => ({ depthMeters: 1.3 })))
    harness = makeHarness({ tiny: 'tiny' }, frames)
    const h = harness
    await h.inference.models.ensureLoaded()
    frames.beforeLoad = async (index) => {
      // frame 2 usually runs in the native process while frame 3 is decoded: kill the process under it
      if (index === 3) h.workers[0]?.kill()
    }
    const job = await finished(h, (await h.inference.inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(job.state).toBe('failed')
    // Under load frame 2 may finish before the signal lands; then frame 3 is the one that dies.
    // Either way the error names the first frame not cached.
    const cachedBefore = (await h.inference.inference.cacheStatus({ sessionId: 's1' })).sessionFramesCached
    expect([2, 3]).toContain(cachedBefore)
    expect(job.error).toBe(
      `Frame ${cachedBefore} of session "s1": The native-work process crashed (killed by SIGTERM) while embedding a frame; it was restarted. (frames before it are cached; run again to resume).`,
    )
    expect(h.logger.recent().some((l) => /native-work process stopped \(killed by SIGTERM\)/.test(l.message))).toBe(
      true,
    )
    expect(h.inference.client.status()).toMatchObject({
      running: true,
      restarts: 1,
      lastCrash: { reason: 'killed by SIGTERM' },
    })
    expect(h.workers).toHaveLength(2)
    // Running again resumes on the new process from the cache.
    frames.beforeLoad = null
    const again = await finished(h, (await h.inference.inference.runOnSession({ sessionId: 's1' })).jobId)
    expect(again.state).toBe('done')
    expect(again.message).toMatch(new RegExp(`^5 frames \\(${5 - cachedBefore} computed, ${cachedBefore} cached\\)`))
  })
})

describe('bad packs', () => {
  async function packErrors(mutate: (dir: string) => void): Promise<string[]> {
    harness = makeHarness({ bad: 'tiny' }, new FakeFrames([]))
    mutate(join(harness.paths.shippedModels, 'bad'))
    return (await harness.inference.models.get({ id: 'bad' })).errors
  }
  const editManifest = (dir: string, edit: (m: Record<string, Record<string, unknown>>) => void) => {
    const file = join(dir, 'model.json')
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>
    edit(manifest)
    writeFileSync(file, JSON.stringify(manifest))
  }

  it('names the field when the manifest does not match the graph', async () => {
    const errors = await packErrors((dir) =>
      editManifest(dir, (m) => {
        ;(m.image as Record<string, unknown>).embeddingDim = 16
      }),
    )
    expect(errors.join('\n')).toMatch(/image\.embeddingDim is 16 but the model outputs 8 channels/)
  })

  it('names a wrong output name and a wrong stride', async () => {
    const wrongOutput = await packErrors((dir) =>
      editManifest(dir, (m) => {
        ;(m.image as Record<string, unknown>).output = 'logits'
      }),
    )
    expect(wrongOutput.join('\n')).toMatch(/image\.output is "logits" but the graph's outputs are "emb"/)
    await harness?.dispose()
    const wrongStride = await packErrors((dir) =>
      editManifest(dir, (m) => {
        ;(m.image as Record<string, unknown>).outputStride = 2
      }),
    )
    expect(wrongStride.join('\n')).toMatch(/image\.outputStride 2 means a 32×24 output but the model gives 16×12/)
  })

  it('reports schema errors with the field and JSON syntax errors with the line', async () => {
    const schema = await packErrors((dir) => {
      const file = join(dir, 'model.json')
      writeFileSync(file, readFileSync(file, 'utf8').replace('"rgbStd": [\n      58.395', '"rgbStd": [\n      0'))
    })
    expect(schema.join('\n')).toMatch(/model\.json:24: image\.rgbStd\[0\]: /)
    await harness?.dispose()
    const syntax = await packErrors((dir) =>
      writeFileSync(join(dir, 'model.json'), '{\n  "format": "dve-model-pack",\n  oops\n}'),
    )
    expect(syntax.join('\n')).toMatch(/model\.json:3: not valid JSON/)
  })

  it('reports a missing and a corrupt ONNX file', async () => {
    const missing = await packErrors((dir) => rmSync(join(dir, 'image.onnx')))
    expect(missing.join('\n')).toMatch(/image\.onnx names "image\.onnx", which does not exist/)
    await harness?.dispose()
    const corrupt = await packErrors((dir) => writeFileSync(join(dir, 'image.onnx'), 'not a protobuf'))
    expect(corrupt.join('\n')).toMatch(/image\.onnx: the ONNX model does not load/)
  })

  it('reports a tokenizer that does not load', async () => {
    const errors = await packErrors((dir) => writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0"}'))
    expect(errors.join('\n')).toMatch(/tokenizer\.json: the tokenizer does not load/)
  })

  it('refuses to activate an invalid pack and says why', async () => {
    await packErrors((dir) => rmSync(join(dir, 'text.onnx')))
    const error = await harness?.inference.models.activate({ id: 'bad' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).message).toMatch(/text\.onnx names "text\.onnx", which does not exist/)
  })
})

describe('cache budget', () => {
  it('is remembered in settings.json and applied at the next start', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([]))
    const status = await harness.inference.inference.setCacheBudget({ bytes: 2 ** 30 })
    expect(status.budgetBytes).toBe(2 ** 30)
    const again = makeHarness({}, new FakeFrames([]), { home: harness.home })
    try {
      await again.inference.init()
      expect((await again.inference.inference.cacheStatus({})).budgetBytes).toBe(2 ** 30)
    } finally {
      await again.dispose()
    }
  })
})

describe('cache files', () => {
  it('leaves no temporary files behind', async () => {
    harness = makeHarness({ tiny: 'tiny' }, new FakeFrames([{ depthMeters: 1 }, { depthMeters: 2 }]))
    await finished(harness, (await harness.inference.inference.runOnSession({ sessionId: 's1' })).jobId)
    const modelDirs = readdirSync(join(harness.paths.cache, 'embeddings'))
    expect(modelDirs).toHaveLength(1)
    const files = readdirSync(join(harness.paths.cache, 'embeddings', modelDirs[0] as string, 's1'))
    expect(files.sort()).toEqual(['0.dvemb', '1.dvemb'])
    expect(existsSync(join(harness.paths.cache, 'embeddings', modelDirs[0] as string, 's1', '.0.dvemb.tmp'))).toBe(
      false,
    )
  })
})
