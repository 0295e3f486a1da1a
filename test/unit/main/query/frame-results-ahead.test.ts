/**
 * The live view's heatmap scored ahead: after a frame is embedded, the queries its session's view
 * asked last are scored at once, and the view's own request for that frame is answered from it
 * without another model call. What is remembered is bounded in count and age.
 */
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { FrameQueryResult } from '../../../../src-main/contract'
import { FrameResultsAhead } from '../../../../src-main/services/query/frame-results-ahead'
import { queryFixture, removeFixtureHomes } from './synthetic-session'

afterAll(removeFixtureHomes)

const result = (frameIndex: number): Promise<FrameQueryResult> =>
  Promise.resolve({ sessionId: 's', frameIndex, heatmaps: [] })

describe('FrameResultsAhead', () => {
  it('forgets a view that stopped asking', () => {
    let now = 0
    const ahead = new FrameResultsAhead<string>(() => now)
    expect(ahead.watching('s')).toBeNull()
    ahead.asked({ sessionId: 's', frameIndex: 1, queries: ['cup'] })
    now = 4_000
    expect(ahead.watching('s')).toEqual(['cup'])
    now = 9_500
    expect(ahead.watching('s')).toBeNull()
  })

  it('keeps few sessions and few results, the oldest going first', async () => {
    const ahead = new FrameResultsAhead<string>(() => 0)
    for (let k = 0; k < 6; k++) ahead.asked({ sessionId: `s${k}`, frameIndex: 0, queries: ['cup'] })
    expect(ahead.sizes.watched).toBe(4)
    expect(ahead.watching('s0')).toBeNull()
    expect(ahead.watching('s5')).toEqual(['cup'])
    for (let frame = 0; frame < 12; frame++)
      ahead.keep({ sessionId: 's', frameIndex: frame, queries: ['cup'] }, 'm', result(frame))
    expect(ahead.sizes.results).toBe(8)
    expect(ahead.find({ sessionId: 's', frameIndex: 3, queries: ['cup'] }, 'm')).toBeNull()
    expect(await ahead.find({ sessionId: 's', frameIndex: 11, queries: ['cup'] }, 'm')).toMatchObject({
      frameIndex: 11,
    })
    // Another model's or another question's result is not this one.
    expect(ahead.find({ sessionId: 's', frameIndex: 11, queries: ['cup'] }, 'other')).toBeNull()
    expect(ahead.find({ sessionId: 's', frameIndex: 11, queries: ['mug'] }, 'm')).toBeNull()
  })

  it('does not keep a failed score', async () => {
    const ahead = new FrameResultsAhead<string>(() => 0)
    const input = { sessionId: 's', frameIndex: 1, queries: ['cup'] }
    const failed = Promise.reject(new Error('model gone'))
    ahead.keep(input, 'm', failed)
    await failed.catch(() => undefined)
    await Promise.resolve()
    expect(ahead.find(input, 'm')).toBeNull()
  })
})

describe('QueryService.scoreAhead', () => {
  it("scores the frame for the view's last queries so the view's request needs no model call", async () => {
    const fixture = queryFixture()
    const score = vi.spyOn(fixture.world, 'scoreFrame')
    const queries = [{ source: { kind: 'text' as const, text: 'sofa' } }]
    const sessionId = 'synthetic'
    await fixture.service.scoreAhead(sessionId, 15)
    expect(score).not.toHaveBeenCalled() // nobody watches yet
    await fixture.service.frame({ sessionId, frameIndex: 14, queries })
    expect(score).toHaveBeenCalledTimes(1)
    await fixture.service.scoreAhead(sessionId, 15)
    expect(score).toHaveBeenCalledTimes(2)
    const asked = await fixture.service.frame({ sessionId, frameIndex: 15, queries })
    expect(score).toHaveBeenCalledTimes(2)
    expect(asked.frameIndex).toBe(15)
    expect(asked.heatmaps[0]?.region).not.toBeNull() // the sofa is in frame 15
    const bytes = (
      await fixture.data.handle(asked.heatmaps[0]!.heatmapPath.replace('/data/', ''), new URLSearchParams())
    ).body
    expect(bytes.length).toBe(2 * 32 * 24)
    // Another question on the same frame is scored for itself.
    await fixture.service.frame({
      sessionId,
      frameIndex: 15,
      queries: [{ source: { kind: 'text', text: 'bean bag' } }],
    })
    expect(score).toHaveBeenCalledTimes(3)
  })
})
