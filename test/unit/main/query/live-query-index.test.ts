/**
 * Ask over a live session: the live model's frames fill the session's index as they are embedded, so
 * a question runs no model and rebuilds nothing; the frames the model passed by are left out, also
 * once the link has ended and the index is saved.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { int8Scale } from '../../../../src-main/services/query/embedding-pooling'
import { LiveQueryIndex } from '../../../../src-main/services/query/live-query-index'
import { compressedIndex, frameLeftOut, type FrameCells } from '../../../../src-main/services/query/session-index'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { queryFixture, removeFixtureHomes } from './synthetic-session'

afterAll(removeFixtureHomes)
const session = 'synthetic'
const ask = (text: string) => ({ sessionId: session, query: { source: { kind: 'text' as const, text } } })

describe('Ask over a live session', () => {
  it('answers from the frames the live model embedded, at once, without running the model', async () => {
    const fixture = queryFixture()
    const { world, service } = fixture
    // The model embeds every other frame of the 80 (latest-frame-wins at twice its rate).
    for (let f = 0; f < world.options.frameCount; f += 2)
      service.indexLiveFrame(session, f, f / world.options.fps, await world.frameEmbeddings(session, f))
    const callsWhileLive = world.embeddingCalls

    const sofa = await service.search(ask('sofa'))
    const beanBag = await service.search(ask('show me the bean bag'))
    expect(world.embeddingCalls).toBe(callsWhileLive)
    expect(await fixture.jobs.list()).toEqual([])
    // The sofa is in frames 10–25, the bean bag in 40–50 and 65–72: found on the embedded frames.
    expect(sofa.sightings.map((s) => [s.firstFrame, s.lastFrame])).toEqual([[10, 24]])
    expect(beanBag.sightings.map((s) => [s.firstFrame, s.lastFrame])).toEqual([
      [40, 50],
      [66, 72],
    ])
    // Frames passed by are not searched, and keep their own time.
    expect(sofa.relevancyByFrame.filter((_, f) => f % 2 === 1).every((r) => r === 0)).toBe(true)
    expect(sofa.timestampsSec[24]).toBeCloseTo(24 / world.options.fps, 9)
    expect(await service.indexStatus({ sessionId: session })).toMatchObject({ frameCount: 80, indexedFrames: 80 })

    // The link ends: the index is kept (saved); a console started later answers the same, still without the model.
    await service.endLiveIndex(session)
    const later = queryFixture({ world, home: fixture.home })
    const again = await later.service.search(ask('sofa'))
    expect(world.embeddingCalls).toBe(callsWhileLive)
    expect(await later.jobs.list()).toEqual([])
    expect(again.sightings).toEqual(sofa.sightings)
    expect(again.relevancyByFrame).toEqual(sofa.relevancyByFrame)
  })
})

describe('LiveQueryIndex', () => {
  const dim = 32
  const cellsPerFrame = 12 * 16
  const random = seededRandom(5)
  const frame = (frameIndex: number): FrameCells => {
    const cells = new Int8Array(cellsPerFrame * dim)
    for (let c = 0; c < cellsPerFrame; c++) {
      const v = Array.from({ length: dim }, () => random() - 0.5)
      const norm = Math.hypot(...v)
      v.forEach((x, d) => (cells[c * dim + d] = Math.round((x / norm) * int8Scale)))
    }
    return { frameIndex, timestampSec: frameIndex / 30, cells, dim }
  }

  it('fits on the frames it has when asked before it has enough to fit on', () => {
    const live = new LiveQueryIndex('s', 'm', frame(0))
    live.add(frame(3))
    const index = live.snapshot(5)
    expect([...index.data.indexed]).toEqual([1, frameLeftOut, frameLeftOut, 1, frameLeftOut])
    expect(index.missingFrames()).toEqual([])
  })

  it('grows past its room as frames come, keeping every frame it had as it was', () => {
    // 800 frames embedded of 2 400 recorded: the index grows twice (room for 512, then 770).
    const added = Array.from({ length: 800 }, (_, k) => frame(3 * k))
    const live = new LiveQueryIndex('s', 'm', added[0]!)
    for (const f of added.slice(1)) live.add(f)
    const index = live.snapshot(2400)
    // The same frames in one index of every frame, fitted on the same first 48 frames, never grown.
    const reference = compressedIndex('s', 'm', 2400, added.slice(0, 48))
    for (const f of added.slice(48)) reference.setFrame(f.frameIndex, f.timestampSec, f.cells)
    const unitQuery = Float32Array.from(frame(1).cells.subarray(0, dim), (x) => x / int8Scale)
    const got = index.frameRelevancy(unitQuery, [], '', 0.1)
    const want = reference.frameRelevancy(unitQuery, [], '', 0.1)
    for (const f of added) expect(got[f.frameIndex]).toBeCloseTo(want[f.frameIndex]!, 6)
    expect(index.data.timestampsSec[3 * 799]).toBeCloseTo((3 * 799) / 30, 9)
    expect(index.data.indexed.filter((v) => v === 1)).toHaveLength(added.length)
    expect(index.data.indexed.filter((v) => v === frameLeftOut)).toHaveLength(2400 - added.length)
    expect(index.data.frameCount).toBe(2400)
  })
})
