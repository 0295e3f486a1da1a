/**
 * `dve robot simulate --loop`: a loop follows the last frame one frame period later, in its stamps and
 * in time, so a short recording looped is published at its recorded rate (five frames looped were
 * sent 5 per 4 periods: 37 fps for a 30 Hz source, their stamps falling behind the clock).
 */
import { afterEach, expect, it } from 'vitest'
import { join, resolve } from 'node:path'
import { RobotSimulator } from '../../../../src-main/services/live/robot-simulator'
import { FoxgloveLink } from '../../../../src-main/services/live/foxglove-link'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'

const demoDir = resolve(import.meta.dirname, '../../../../resources/demo-recording')
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

it('publishes a looped recording at its recorded rate, across each wrap, with stamps that keep time', async () => {
  const store = new SessionStore(join(demoDir, 'no-library'), [demoDir])
  const session = await store.get('demo-apartment')
  const frames = session.manifest.frames.slice(0, 5)
  const periodSec = (frames[4]!.timestampSec - frames[0]!.timestampSec) / 4
  const rate = 1.5
  const published: Array<{ atMs: number; stampSec: number; loop: number }> = []
  const simulator = await RobotSimulator.start({
    session,
    frames: new SessionFrameReader(store),
    port: 0,
    rate,
    loop: true,
    frameRange: { start: 0, end: 5 },
    onPublished: ({ loop, stampSec }) => published.push({ atMs: performance.now(), stampSec, loop }),
  })
  closers.push(() => simulator.close())
  const link = await FoxgloveLink.open(simulator.url)
  closers.push(() => link.close())
  for (const channel of link.channels.values()) if (channel.topic.includes('image_raw')) link.subscribe(channel)
  const periodMs = (periodSec * 1000) / rate
  while (published.length < 16) await new Promise((r) => setTimeout(r, periodMs))

  const first = published[0]!
  const last = published[15]!
  // Three wraps in 15 periods: the clock and the stamps both advanced 15 periods.
  expect(last.loop).toBe(3)
  expect(last.stampSec - first.stampSec).toBeCloseTo(15 * periodSec, 6)
  expect(last.atMs - first.atMs).toBeGreaterThan(15 * periodMs * 0.9)
  expect(last.atMs - first.atMs).toBeLessThan(15 * periodMs * 1.3)
  for (const k of [5, 10, 15]) {
    expect(published[k]!.loop).toBe(published[k - 1]!.loop + 1)
    expect(published[k]!.atMs - published[k - 1]!.atMs).toBeGreaterThan(periodMs * 0.6)
  }
})
