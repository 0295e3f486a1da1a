import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SessionSearchResult } from '../../../../src-main/contract'
import type { VocabularySource } from '../../../../src-main/services/query/pack-vocabulary'
import { queryFixture, removeFixtureHomes, syntheticWorld } from './synthetic-session'

const session = 'synthetic'

function framesWith(fixture: ReturnType<typeof queryFixture>, name: string): Set<number> {
  const frames = new Set<number>()
  for (let i = 0; i < fixture.world.options.frameCount; i++)
    if (fixture.world.thingsIn(i).some((t) => t.names.includes(name))) frames.add(i)
  return frames
}

function precisionAt(result: SessionSearchResult, truth: Set<number>): number {
  return result.moments.filter((m) => truth.has(m.frameIndex)).length / result.moments.length
}

afterAll(removeFixtureHomes)

describe('QueryService over a synthetic recording', () => {
  const fixture = queryFixture()

  it('finds the frames that show a thing, by name and by synonym', async () => {
    const truth = framesWith(fixture, 'sofa')
    for (const text of ['sofa', 'Where is the couch?']) {
      const result = await fixture.service.search({
        sessionId: session,
        query: { source: { kind: 'text', text } },
        top: 5,
        minGapSec: 0,
      })
      expect(result.moments).toHaveLength(5)
      // The one visit's best frame is 'seen'; the others are 'possible' (below the threshold) and off the sofa's frames.
      expect(result.moments.map((m) => m.decision)).toEqual(['seen', 'possible', 'possible', 'possible', 'possible'])
      expect(truth.has(result.moments[0]!.frameIndex)).toBe(true)
      expect(result.answer.seen).toBe(true)
      expect(result.sightings[0]?.firstFrame).toBe(10)
      expect(result.sightings.at(-1)?.lastFrame).toBe(25)
      expect(result.sightings.every((s) => truth.has(s.firstFrame) && truth.has(s.lastFrame))).toBe(true)
    }
  })

  it('counts separate sightings and says when it was last seen', async () => {
    const result = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'show me the bean bag' } },
    })
    expect(result.sightings.map((s) => [s.firstFrame, s.lastFrame])).toEqual([
      [40, 50],
      [65, 72],
    ])
    expect(result.answer.text).toBe(
      'The bean bag was last seen at 00:14 into the recording. Seen twice in this recording.',
    )
    expect(result.answer).toMatchObject({ visits: 2, lastFrame: 72, lastSeenSec: 14.4 })
    expect(result.moments.filter((m) => m.decision === 'seen').map((m) => m.frameIndex)).toEqual(
      result.sightings.map((s) => s.bestFrame),
    )
    expect(result.record).toMatchObject({
      label: 'bean bag',
      queryText: 'bean bag',
      modelId: 'synthetic-model',
      promptTemplate: 'a detailed photo of a {}',
      negatives: ['object', 'things', 'stuff', 'texture'],
      temperature: 10,
      threshold: 0.6,
      thresholdMode: 'pack',
    })
    expect(result.relevancyByFrame).toHaveLength(80)
  })

  it('answers "not seen" for something absent', async () => {
    const result = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'piano' } },
    })
    expect(result.answer.seen).toBe(false)
    expect(result.answer.text).toBe('The piano was not seen in this recording.')
    expect(result.sightings).toEqual([])
    expect(result.moments.every((m) => m.decision === 'possible')).toBe(true)
  })

  it('honours a fixed threshold and records it (a re-run need not enter the history)', async () => {
    const result = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'sofa' }, settings: { threshold: 0.999999 } },
      remember: false,
    })
    expect(result.record).toMatchObject({ threshold: 0.999999, thresholdMode: 'fixed' })
    expect(result.answer.seen).toBe(false)
  })

  it('draws a heatmap whose region covers the thing, served as bytes by the data router', async () => {
    const result = await fixture.service.frame({
      sessionId: session,
      frameIndex: 15,
      queries: [{ source: { kind: 'text', text: 'sofa' } }, { source: { kind: 'text', text: 'bean bag' } }],
    })
    const [sofa, beanBag] = result.heatmaps
    expect(sofa?.region).not.toBeNull()
    const truth = { x0: 0.05, y0: 0.4, x1: 0.45, y1: 0.9 }
    expect(sofa?.region?.x0).toBeCloseTo(truth.x0, 1)
    expect(sofa?.region?.x1).toBeCloseTo(truth.x1, 1)
    expect(sofa?.region?.y0).toBeCloseTo(truth.y0, 1)
    expect(sofa?.region?.y1).toBeCloseTo(truth.y1, 1)
    expect(beanBag?.region).toBeNull()
    const path = (sofa?.heatmapPath ?? '').replace('/data/', '')
    const bytes = (await fixture.data.handle(path, new URLSearchParams())).body
    expect(bytes.length).toBe(2 * 32 * 24)
    const peak = Math.floor((sofa?.peak.yNorm ?? 0) * 24) * 32 + Math.floor((sofa?.peak.xNorm ?? 0) * 32)
    expect(bytes[peak]).toBeGreaterThan(200)
    expect(bytes[0]).toBeLessThan(50)
  })

  it('finds "more like this" from a clicked region', async () => {
    const result = await fixture.service.search({
      sessionId: session,
      query: {
        source: { kind: 'region', sessionId: session, frameIndex: 45, box: { x0: 0.7, y0: 0.6, x1: 0.72, y1: 0.62 } },
      },
      top: 5,
      minGapSec: 0,
    })
    expect(result.sightings.map((s) => [s.firstFrame, s.lastFrame])).toEqual([
      [40, 50],
      [65, 72],
    ])
    expect(
      precisionAt(
        { ...result, moments: result.moments.filter((m) => m.decision === 'seen') },
        framesWith(fixture, 'bean bag'),
      ),
    ).toBe(1)
    expect(result.record.queryText).toBeNull()
  })

  it('shows the remembered queries at a pixel, deciding as the search does', async () => {
    const matches = await fixture.service.pixelMatches({ sessionId: session, frameIndex: 20, xNorm: 0.2, yNorm: 0.6 })
    // "sofa" and "couch" are synonyms with one direction in the synthetic world.
    expect(['sofa', 'couch']).toContain(matches[0]?.label)
    expect(matches[0]).toMatchObject({ seen: true })
    expect(matches.find((m) => m.label === 'bean bag')).toMatchObject({ seen: false })
    expect(matches.find((m) => m.label === 'piano')).toMatchObject({ seen: false })
    // The frame heatmap's decision on that frame is the search's per-frame decision.
    const search = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'sofa' } },
      remember: false,
    })
    const frame = await fixture.service.frame({
      sessionId: session,
      frameIndex: 20,
      queries: [{ source: { kind: 'text', text: 'sofa' } }, { source: { kind: 'text', text: 'bean bag' } }],
    })
    expect(frame.heatmaps.map((h) => h.seen)).toEqual([search.relevancyByFrame[20]! >= search.record.threshold, false])
    expect(frame.heatmaps[0]!.seen).toBe(true)
  })

  it('keeps history newest first, and saved queries by unique name', async () => {
    const history = await fixture.service.history()
    expect(history[0]?.record.label).toMatch(/^like frame 45/)
    expect(history.some((h) => h.record.label === 'piano' && h.outcome?.seen === false)).toBe(true)
    expect(history.some((h) => h.record.thresholdMode === 'fixed')).toBe(false)
    expect(history.every((h) => h.record.thresholdMode === 'pack')).toBe(true)
    const saved = await fixture.service.saveQuery({
      name: 'my bag',
      query: { source: { kind: 'text', text: 'bean bag' } },
    })
    expect(saved.query.settings.negatives).toEqual(['object', 'things', 'stuff', 'texture'])
    await expect(
      fixture.service.saveQuery({ name: 'my bag', query: { source: { kind: 'text', text: 'x' } } }),
    ).rejects.toMatchObject({ code: 'conflict' })
    expect(await fixture.service.deleteSaved({ id: saved.id })).toEqual({ deleted: true })
    expect(await fixture.service.saved()).toEqual([])
    expect((await fixture.service.clearHistory()).cleared).toBe(history.length)
  })
})

describe('session index', () => {
  it('is stored in the cache and reused by the next service without running the model', async () => {
    const first = queryFixture()
    await first.service.search({ sessionId: session, query: { source: { kind: 'text', text: 'sofa' } } })
    expect(first.world.embeddingCalls).toBe(80)
    const world = syntheticWorld()
    const second = queryFixture({ world, home: first.home })
    expect(await second.service.indexStatus({ sessionId: session })).toMatchObject({
      frameCount: 80,
      indexedFrames: 80,
      modelId: 'synthetic-model',
    })
    const result = await second.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'sofa' } },
    })
    expect(world.embeddingCalls).toBe(0)
    expect(result.answer.seen).toBe(true)
  })

  it('keeps what was indexed when the job is cancelled, and resumes', async () => {
    const fixture = queryFixture()
    const search = fixture.service.search({ sessionId: session, query: { source: { kind: 'text', text: 'sofa' } } })
    let job = (await fixture.jobs.list())[0]
    while (!job || job.done < 10) {
      await new Promise((resolve) => setImmediate(resolve))
      job = (await fixture.jobs.list())[0]
    }
    await fixture.jobs.cancel({ id: job?.id ?? '' })
    await expect(search).rejects.toMatchObject({ code: 'cancelled' })
    const partial = (await fixture.service.indexStatus({ sessionId: session })).indexedFrames
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(80)
    const resumed = queryFixture({ home: fixture.home })
    await resumed.service.search({ sessionId: session, query: { source: { kind: 'text', text: 'sofa' } } })
    expect(resumed.world.embeddingCalls).toBe(80 - partial)
  })

  it('names the file when the stored index header is corrupt', async () => {
    const fixture = queryFixture()
    const dir = join(fixture.home, 'cache', 'query-index', 'synthetic-model')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'synthetic.codes.json'), '{"format":"dve-query-index","version":2}')
    await expect(fixture.service.indexStatus({ sessionId: session })).rejects.toMatchObject({
      code: 'bad_file',
      message: expect.stringContaining('synthetic.codes.json'),
    })
  })
})

describe('QueryService without a model', () => {
  it('says what is missing instead of failing later', async () => {
    const fixture = queryFixture()
    const history = join(fixture.home, 'ask', 'history.json')
    mkdirSync(join(fixture.home, 'ask'), { recursive: true })
    writeFileSync(history, '{"format":"dve-ask-history","version":1,"entries":[{"id":3}]}')
    await expect(fixture.service.history()).rejects.toMatchObject({
      code: 'bad_file',
      message: expect.stringContaining('history.json: entries.0.id'),
    })
  })
})

describe('vocabulary negatives', () => {
  /** A pack vocabulary naming the synthetic things: "couch" is the sofa's synonym. */
  function vocabularyOf(world: ReturnType<typeof syntheticWorld>, names: string[]): VocabularySource {
    return {
      classSets: async () => [{ id: 'demo', name: 'demo', classCount: names.length, modes: ['text'] }],
      classHead: async (classSetId, mode) => ({
        classSetId,
        mode,
        names,
        colors: names.map(() => [0, 0, 0]),
        weights: await world.textEmbeddings(names),
        bias: null,
      }),
    }
  }

  it('counts the other class names against the query, never its synonyms, and records which', async () => {
    const world = syntheticWorld()
    const fixture = queryFixture({ world, vocabulary: () => vocabularyOf(world, ['couch', 'bean bag', 'lamp']) })
    const result = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'sofa' } },
    })
    expect(result.record.vocabularyNegatives).toEqual(['bean bag', 'lamp'])
    expect(result.answer.seen).toBe(true)
    const off = await fixture.service.search({
      sessionId: session,
      query: { source: { kind: 'text', text: 'sofa' }, settings: { vocabularyNegatives: false } },
    })
    expect(off.record.vocabularyNegatives).toEqual([])
  })

  it('turns "seen" into "not seen" for a thing that only resembles a known one', async () => {
    const world = syntheticWorld()
    // "armchair" is unknown to the world: it embeds halfway between nothing and the sofa.
    const original = world.textEmbeddings.bind(world)
    const lookalike = async (texts: string[]) =>
      Promise.all(
        texts.map(async (t) => {
          if (t !== 'armchair') return (await original([t]))[0] as Float32Array
          const [sofa, other] = await original(['sofa', 'piano'])
          const mixed = (sofa as Float32Array).map((v, i) => 0.6 * v + 0.8 * ((other as Float32Array)[i] as number))
          const norm = Math.hypot(...mixed)
          return mixed.map((v) => v / norm)
        }),
      )
    world.textEmbeddings = lookalike
    const plain = queryFixture({ world })
    const withVocabulary = queryFixture({ world, vocabulary: () => vocabularyOf(world, ['sofa', 'bean bag']) })
    const query = { source: { kind: 'text' as const, text: 'armchair' }, settings: { threshold: 0.5 } }
    const plainMax = Math.max(...(await plain.service.search({ sessionId: session, query })).relevancyByFrame)
    const vocabularyResult = await withVocabulary.service.search({ sessionId: session, query })
    expect(Math.max(...vocabularyResult.relevancyByFrame)).toBeLessThan(plainMax)
    expect(vocabularyResult.answer.seen).toBe(false)
  })
})
