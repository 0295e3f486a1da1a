import { describe, expect, it } from 'vitest'
import { RateMeter } from '../../../../src-main/services/live/rate-meter'

/** Tick times of a stream at `fps` from `fromMs` for `seconds`. */
const stream = (fps: number, seconds: number, fromMs = 0): number[] =>
  Array.from({ length: Math.round(fps * seconds) }, (_, k) => fromMs + (k * 1000) / fps)

describe('RateMeter', () => {
  it('reads a steady stream at its rate, within the first window and after it', () => {
    const meter = new RateMeter(5_000)
    const times = stream(30, 12)
    for (const t of times) meter.tick(t)
    expect(meter.perSecond(times.at(-1)! + 1)).toBeCloseTo(30, 0)
    const early = new RateMeter(5_000)
    for (const t of stream(30, 1)) early.tick(t)
    expect(early.perSecond(980)).toBeCloseTo(30, 0)
  })

  it('is no rate before two events, slows while a stream stalls, and is zero once it left the window', () => {
    const meter = new RateMeter(5_000)
    expect(meter.perSecond(0)).toBe(0)
    meter.tick(10)
    expect(meter.perSecond(20)).toBe(0)
    for (const t of stream(10, 8, 20)) meter.tick(t)
    expect(meter.perSecond(7_930)).toBeCloseTo(10, 0)
    const stalled = meter.perSecond(11_000)
    expect(stalled).toBeGreaterThan(0)
    expect(stalled).toBeLessThan(5)
    expect(meter.perSecond(13_000)).toBe(0)
  })
})
