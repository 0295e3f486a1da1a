/** The importer's bounded pool: order, the concurrency limit, and no work after a failure. */
import { describe, expect, it } from 'vitest'
import { mapBounded } from '../../../../src-main/services/recordings/import/bounded-pool'

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('mapBounded', () => {
  it('keeps item order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (v) => {
      peak = Math.max(peak, ++running)
      await tick(v)
      running--
      return v * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30])
    expect(peak).toBe(2)
  })

  it('rejects only after running calls settle, and starts nothing new after a failure', async () => {
    const started: number[] = []
    let finished = 0
    const error = await mapBounded([0, 1, 2, 3, 4, 5], 2, async (v) => {
      started.push(v)
      if (v === 0) throw new Error('first fails')
      await tick(20)
      finished++
      return v
    }).catch((e: unknown) => e)
    expect((error as Error).message).toBe('first fails')
    // Item 1 was already running when item 0 failed; it finished before the rejection.
    expect(started).toEqual([0, 1])
    expect(finished).toBe(1)
  })
})
