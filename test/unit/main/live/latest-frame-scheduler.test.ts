/** Latest-frame-wins: the model runs the newest offered frame when free; waiting frames are replaced and counted. */
import { describe, expect, it } from 'vitest'
import { LatestFrameScheduler } from '../../../../src-main/services/live/latest-frame-scheduler'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('latest-frame-wins scheduler', () => {
  it('runs the newest frame whenever the model is free and counts the frames it skipped', async () => {
    const ran: number[] = []
    const scheduler = new LatestFrameScheduler<number>(async (frame) => {
      ran.push(frame)
      await sleep(30)
    })
    // Frames every 5 ms, the model takes 30 ms: most frames are skipped.
    for (let frame = 0; frame < 40; frame++) {
      scheduler.offer(frame)
      await sleep(5)
    }
    await scheduler.idle()
    expect(ran[0]).toBe(0)
    expect(ran.at(-1)).toBe(39) // the newest frame always runs in the end
    expect([...ran].sort((a, b) => a - b)).toEqual(ran) // never an older frame after a newer one
    expect(scheduler.counts.finished).toBe(ran.length)
    expect(scheduler.counts.skipped).toBe(40 - ran.length)
    expect(ran.length).toBeLessThan(20)
  })

  it('never holds more than one waiting frame: offering returns at once while the model is busy', async () => {
    let release: () => void = () => undefined
    const scheduler = new LatestFrameScheduler<number>(() => new Promise<void>((resolve) => (release = resolve)))
    scheduler.offer(0)
    const started = performance.now()
    for (let frame = 1; frame <= 1000; frame++) scheduler.offer(frame)
    expect(performance.now() - started).toBeLessThan(50)
    expect(scheduler.counts).toMatchObject({ offered: 1001, started: 1, skipped: 999 })
    release()
    await sleep(0)
    release()
    await scheduler.idle()
    expect(scheduler.counts.finished).toBe(2)
  })

  it('keeps going after a failure and reports it', async () => {
    const failed: number[] = []
    const scheduler = new LatestFrameScheduler<number>(
      async (frame) => {
        if (frame === 1) throw new Error('model crashed')
      },
      (_error, frame) => failed.push(frame),
    )
    scheduler.offer(1)
    await scheduler.idle()
    scheduler.offer(2)
    await scheduler.idle()
    expect(failed).toEqual([1])
    expect(scheduler.counts).toMatchObject({ failed: 1, finished: 1 })
  })

  it('runs nothing more after stop', async () => {
    const ran: number[] = []
    const scheduler = new LatestFrameScheduler<number>(async (frame) => {
      ran.push(frame)
      await sleep(10)
    })
    scheduler.offer(1)
    scheduler.offer(2)
    await scheduler.stop()
    scheduler.offer(3)
    await scheduler.idle()
    expect(ran).toEqual([1])
  })
})
