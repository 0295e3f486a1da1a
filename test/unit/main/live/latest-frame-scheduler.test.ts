/**
 * Latest-frame-wins: the model runs the newest offered frame when free; waiting frames are replaced and
 * counted; when it frees while a newer frame is still being recorded, it waits for that one (bounded).
 */
import { describe, expect, it } from 'vitest'
import { LatestFrameScheduler, type NewerItems } from '../../../../src-main/services/live/latest-frame-scheduler'

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

  describe('a newer frame on its way when the model frees', () => {
    /** A scheduler whose model takes `runMs`; `ran` holds each frame run and when (ms since created). */
    function timedScheduler(runMs: number, newer: NewerItems<number>) {
      const ran: Array<{ frame: number; at: number }> = []
      const t0 = performance.now()
      const scheduler = new LatestFrameScheduler<number>(
        async (frame) => {
          ran.push({ frame, at: performance.now() - t0 })
          await sleep(runMs)
        },
        undefined,
        newer,
      )
      return { scheduler, ran, frames: () => ran.map((r) => r.frame) }
    }

    it('waits for it and runs it instead of the older waiting frame', async () => {
      let inRecorder = -1 // the newest frame handed to the recorder
      const { scheduler, ran, frames } = timedScheduler(20, {
        newerComing: (waiting) => inRecorder > waiting,
        newerWaitMs: 5_000,
      })
      scheduler.offer(0)
      await sleep(5)
      scheduler.offer(1) // recorded while the model runs 0
      inRecorder = 2 // and frame 2 has arrived, still being recorded
      await sleep(60) // the model freed at ~20 ms and waits
      expect(frames()).toEqual([0])
      scheduler.offer(2)
      await scheduler.idle()
      expect(frames()).toEqual([0, 2])
      expect(ran[1]!.at).toBeGreaterThanOrEqual(60)
      expect(scheduler.counts).toMatchObject({ offered: 3, started: 2, finished: 2, skipped: 1 })
    })

    it('runs the waiting frame after the bound when the newer one never comes', async () => {
      const { scheduler, ran, frames } = timedScheduler(10, { newerComing: () => true, newerWaitMs: 40 })
      scheduler.offer(0) // an idle model starts at once, newer frame or not
      expect(frames()).toEqual([0])
      scheduler.offer(1)
      await scheduler.idle()
      expect(frames()).toEqual([0, 1])
      expect(ran[1]!.at).toBeGreaterThanOrEqual(48) // 10 ms run + 40 ms wait (timer slack below)
      expect(ran[1]!.at).toBeLessThan(500)
    })

    it('stops waiting when stopped, and runs nothing more', async () => {
      const { scheduler, frames } = timedScheduler(5, { newerComing: () => true, newerWaitMs: 60_000 })
      scheduler.offer(0)
      scheduler.offer(1)
      await sleep(20) // the model has freed and waits for a newer frame
      const started = performance.now()
      await scheduler.stop()
      expect(performance.now() - started).toBeLessThan(1_000)
      expect(frames()).toEqual([0])
      expect(scheduler.counts.skipped).toBe(1)
    })
  })
})
