/**
 * The robot, live, through the UI: the simulator publishes the demo recording (and a real one from
 * ../shared/data); the console connects from the Library, the Player follows the live head with the
 * heatmap and segmentation overlays, the map grows, Ask answers from the session so far, the link
 * survives the simulator being killed and restarted (same session, nothing complete lost), and the
 * recording equals the published frames.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RobotSimulator } from '../../src-main/services/live/robot-simulator'
import { rosStamp } from '../../src-main/services/live/ros2-schemas'
import type { StoredSession } from '../../src-main/services/recordings/session-store'
import { demoSkipReason, repoRoot, sharedData, startConsole, type ConsoleUnderTest } from './harness'
import { importInto } from '../unit/main/import/import-test-kit'

const skip = demoSkipReason()
if (skip) console.warn(`live e2e skipped: ${skip}`)
const shots = join(repoRoot, 'out', 'screenshots')
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

let onTimeout: (what: string) => Promise<void> = async () => undefined

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) {
      await onTimeout(what)
      throw new Error(`timed out waiting for ${what}`)
    }
    await sleep(100)
  }
}

describe.skipIf(skip !== '')('live robot link in the UI', () => {
  let consoleUnderTest: ConsoleUnderTest
  const published = new Map<string, number>()
  const simulators: RobotSimulator[] = []

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    consoleUnderTest = await startConsole()
    onTimeout = async (what) => {
      await consoleUnderTest.page.screenshot({ path: join(shots, `live-timeout-${what.replace(/\W+/g, '-')}.png`) })
      const { page, services } = consoleUnderTest
      const errors = await page.locator('.error-box').allTextContents()
      const log = services.logger
        .recent()
        .slice(-15)
        .map((l) => `${l.level} ${l.source}: ${l.message}`)
      console.warn(
        [
          `live e2e: waiting for ${what} at ${page.url()}`,
          `link status: ${JSON.stringify(await services.api.live.status())}`,
          `errors shown: ${JSON.stringify(errors)}`,
          ...log,
        ].join('\n'),
      )
    }
    // Fast map growth so the test sees it.
    ;(consoleUnderTest.services.live as unknown as { deps: { mapEveryMs: number } }).deps.mapEveryMs = 4_000
  })
  afterEach(async () => {
    await consoleUnderTest.services.api.live.stop()
  })
  afterAll(async () => {
    for (const s of simulators) await s.close()
    await consoleUnderTest?.close()
  })

  async function simulate(
    session: StoredSession,
    port: number,
    frameRange?: { start: number; end: number },
  ): Promise<RobotSimulator> {
    const { services } = consoleUnderTest
    const simulator = await RobotSimulator.start({
      session,
      frames: services.recordings.frameReader,
      port,
      rate: frameRange ? 0.5 : 1,
      ...(frameRange ? { frameRange } : {}),
      onPublished: ({ frameIndex, stampSec }) => {
        const stamp = rosStamp(stampSec)
        published.set(`${stamp.sec}.${stamp.nanosec.toString().padStart(9, '0')}`, frameIndex)
      },
    })
    simulators.push(simulator)
    return simulator
  }

  it(
    'connects from the Library, follows the head, embeds, asks, maps, and survives a simulator restart',
    { timeout: 480_000 },
    async () => {
      const { page, services } = consoleUnderTest
      const demo = await services.recordings.store.get('demo-apartment')
      // 100 of the demo's frames at half speed (20 s).
      const range = { start: 0, end: 100 }
      let simulator = await simulate(demo, 0, range)
      const port = simulator.port

      await consoleUnderTest.goto('/library')
      await page.getByTestId('library-connect').click()
      await page.getByTestId('live-url').fill(simulator.url)
      await page.getByTestId('live-list-topics').click()
      await expect
        .poll(() => page.getByTestId('live-rgb-topic').inputValue())
        .toBe('/camera/camera/color/image_raw/compressed')
      expect(await page.getByTestId('live-depth-topic').inputValue()).toBe(
        '/camera/camera/aligned_depth_to_color/image_raw',
      )
      expect(await page.getByTestId('live-info-topic').inputValue()).toBe(
        '/camera/camera/aligned_depth_to_color/camera_info',
      )
      // Where the recording goes and the room there, before connecting.
      expect(await page.getByTestId('live-records-to').textContent()).toMatch(
        /Records into the library · [\d.]+ [KMGT]?B free/,
      )
      await page.getByTestId('live-name').fill('Demo robot')
      await page.screenshot({ path: join(shots, 'live-connect.png') })
      await page.getByTestId('live-connect-button').click()

      // The Player opens on the live session (once its first frame is in) and follows its head.
      await until('the live session', async () => (await services.api.live.status())?.sessionId != null, 30_000)
      const sessionId = (await services.api.live.status())!.sessionId!
      await until(
        'the LIVE badge in the Player',
        () => page.getByTestId('view-player').getByTestId('live-badge').isVisible(),
        30_000,
      )
      expect(await page.getByTestId('live-badge').textContent()).toBe('LIVE')
      // Kill the robot mid-stream, start it again on the same port: same session, recording goes on.
      await until('20 frames', async () => (await services.api.live.status())!.framesRecorded >= 20)
      await simulator.close()
      await until(
        'the reconnecting badge',
        async () => (await page.getByTestId('live-badge').textContent()) === 'RECONNECTING',
        20_000,
      )
      const atKill = (await services.api.live.status())!.framesRecorded
      await page.screenshot({ path: join(shots, 'live-reconnecting.png') })
      simulator = await simulate(demo, port, range)
      await until('live again', async () => (await page.getByTestId('live-badge').textContent()) === 'LIVE', 30_000)
      await until(
        'frames in the Player',
        async () => Number((await page.getByTestId('seek-ms').getAttribute('data-shown-frame')) ?? -1) >= 20,
      )
      // Live overlays: the model embeds the newest frames; a question draws a heatmap on them.
      await page.getByTestId('live-overlays').waitFor({ timeout: 60_000 })
      await page.getByTestId('live-ask-input').fill('plant')
      await until(
        'a live heatmap',
        async () => Number(await page.getByTestId('live-ask-frame').getAttribute('data-heatmaps')) > 0,
        60_000,
      )
      const rate = await page.getByTestId('live-model-rate').textContent()
      expect(rate).toMatch(/^embedding \d+\.\d fps of \d+\.\d fps, \d+ % skipped$/)
      await page.getByTestId('live-overlays').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(shots, 'live-player.png') })

      // Scrubbing back stops following; Go live returns.
      await page.getByTestId('frame-line').click()
      await page.keyboard.press('Home')
      await page.getByTestId('live-go-live').waitFor()
      await page.getByTestId('live-go-live').click()
      await expect.poll(() => page.getByTestId('live-go-live').count()).toBe(0)

      await simulator.finished()
      await sleep(1500)
      const during = (await services.api.live.status())!
      expect(during.sessionId).toBe(sessionId)
      expect(during.framesRecorded).toBeGreaterThan(atKill)

      // The map grew while live, and Ask answers from the session so far, in the Ask view, at once: from
      // the frames the live model embedded, with no index job (which would embed every frame it passed by).
      await until('a live map', async () => (await services.api.map.status({ sessionId })).map !== null, 60_000)
      await consoleUnderTest.goto(`/ask?session=${sessionId}`)
      await page.getByTestId('ask-input').fill('Where is the plant?')
      const asked = Date.now()
      await page.getByTestId('ask-input').press('Enter')
      await page.getByTestId('ask-answer').waitFor({ timeout: 30_000 })
      const answeredMs = Date.now() - asked
      expect(await page.getByTestId('ask-answer-text').textContent()).toMatch(/^The plant was last seen /)
      expect((await services.api.live.status())!.state).toBe('live')
      expect((await services.api.jobs.list()).filter((job) => job.kind === 'query-index')).toEqual([])
      await page.screenshot({ path: join(shots, 'live-ask.png') })
      console.info(`live e2e: asked while live, answered in ${answeredMs} ms`)
      await consoleUnderTest.goto('/player')

      await page.getByTestId('live-stop').click()
      await until('stopped', async () => (await services.api.live.status())!.state === 'stopped')
      const final = (await services.api.live.status())!
      expect(final.reconnects).toBeGreaterThanOrEqual(1)

      // The recording equals the published frames: order, pixels (JPEG bytes as sent), poses, none lost.
      const recorded = await services.recordings.store.get(sessionId)
      const indices = recorded.manifest.frames.map((f) => published.get(f.sourceName) ?? -1)
      expect(indices).toEqual(Array.from({ length: range.end - indices[0]! }, (_, k) => indices[0]! + k))
      for (const [k, frame] of recorded.manifest.frames.entries()) {
        const original = demo.manifest.frames[indices[k]!]!
        expect(readFileSync(join(recorded.dir, frame.rgb)).equals(readFileSync(join(demo.dir, original.rgb)))).toBe(
          true,
        )
        expect(Math.abs(frame.worldFromCamera![3]! - original.worldFromCamera![3]!)).toBeLessThan(1e-9)
      }
      const map = await services.api.map.status({ sessionId })
      expect(map.map!.voxelCount).toBeGreaterThan(1000)
      await consoleUnderTest.goto(`/map?session=${sessionId}`)
      await page.waitForTimeout(3000)
      await page.screenshot({ path: join(shots, 'live-map.png') })
    },
  )

  const real = join(sharedData, '7scenes-tsdf-fusion')
  it('records a real recording published by the simulator', { timeout: 300_000 }, async ({ skip: skipIt }) => {
    if (!(await import('node:fs')).existsSync(real)) {
      if (process.env.CI === 'true') throw new Error(`${real} is missing`)
      skipIt()
    }
    const { page, services } = consoleUnderTest
    // Imported straight into the library (browser mode only lets the UI import from allowed folders).
    const { report } = await importInto(services.paths.sessions, real)
    const source = await services.recordings.store.get(report.sessionId)
    const simulator = await simulate(source, 0)
    await consoleUnderTest.goto('/library')
    await page.getByTestId('library-connect').click()
    await page.getByTestId('live-url').fill(simulator.url)
    await page.getByTestId('live-list-topics').click()
    await page.getByTestId('live-connect-button').click()
    await until(
      'the LIVE badge in the Player',
      () => page.getByTestId('view-player').getByTestId('live-badge').isVisible(),
      30_000,
    )
    await simulator.finished()
    await until(
      'every frame',
      async () => (await services.api.live.status())!.framesRecorded >= source.manifest.frames.length,
      60_000,
    )
    await page.screenshot({ path: join(shots, 'live-real.png'), fullPage: true })
    const final = (await services.api.live.stop())!
    expect(final.framesRecorded).toBe(source.manifest.frames.length)
    expect(final.pairing.unpairedColour + final.pairing.unpairedDepth).toBe(0)
  })
})
