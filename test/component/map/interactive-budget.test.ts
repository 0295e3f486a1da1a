/** The moving-camera point budget settles where frames take about 33 ms, on slow and fast renderers alike. */
import { describe, expect, it } from 'vitest'
import { InteractiveBudget, interactiveFrameMs } from '../../../src-renderer/src/render/map/interactive-budget'

/** Frames whose time grows with the points drawn, as a renderer's does. */
function settle(budget: InteractiveBudget, pointsPerMs: number, frames = 40): number {
  let ms = 0
  for (let f = 0; f < frames; f++) {
    ms = budget.points / pointsPerMs
    budget.update(ms)
  }
  return ms
}

describe('InteractiveBudget', () => {
  it('draws fewer points on a slow renderer until frames fit the 30 frames/s target', () => {
    const budget = new InteractiveBudget(150_000)
    const ms = settle(budget, 2_800) // software GL: 150 k points take ~54 ms
    expect(budget.points).toBeLessThan(150_000)
    expect(ms).toBeLessThanOrEqual(interactiveFrameMs) // 30 frames/s or more
    expect(ms).toBeGreaterThanOrEqual(interactiveFrameMs * 0.7 * 0.75) // and not far fewer points than that allows
  })

  it('draws more on a fast renderer, up to its cap, and ignores pauses between moves', () => {
    const fast = new InteractiveBudget(150_000)
    settle(fast, 1_000_000)
    expect(fast.points).toBe(2_000_000)
    const paused = new InteractiveBudget(150_000)
    paused.update(900) // the camera stood still between two moves
    paused.update(0)
    expect(paused.points).toBe(150_000)
  })
})
