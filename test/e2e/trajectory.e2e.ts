/**
 * The Player's top-down trajectory on the demo recording and on a real one (7-Scenes excerpt, imported
 * from ../shared/data): the plot follows the timeline, and a click on the path seeks to that frame.
 * Screenshots go to /tmp/i17-trajectory-*.png for review.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { demoSkipReason, sharedData, startConsole, type ConsoleUnderTest } from './harness'
import { sharedData as sharedDataPrerequisite, skipReason } from '../helpers/prerequisites'

const reason = demoSkipReason('trajectory e2e')
const sevenScenesMissing = skipReason('trajectory e2e on 7-Scenes', [sharedDataPrerequisite('7scenes-tsdf-fusion')])

/**
 * Clicks the path's vertex `k` (plot units → page pixels) and checks that the Player then shows a frame
 * whose pose is at that point (frames a few cm apart may be nearer the click than frame k itself).
 */
async function clickVertex(page: Page, k: number): Promise<void> {
  const plot = page.getByTestId('trajectory-plot')
  const box = await plot.boundingBox()
  const points = ((await plot.locator('polyline').first().getAttribute('points')) ?? '').split(' ')
  const [x, y] = (points[k] ?? '0,0').split(',').map(Number) as [number, number]
  if (!box) throw new Error('trajectory plot not laid out')
  const before = await page.getByTestId('trajectory-current').getAttribute('data-frame')
  await page.mouse.click(box.x + (x / 240) * box.width, box.y + (y / 240) * box.height)
  await expect.poll(() => page.getByTestId('trajectory-current').getAttribute('data-frame')).not.toBe(before)
  const shown = await page.getByTestId('trajectory-current').getAttribute('data-frame')
  await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain(`frame ${shown} ·`)
  const circle = page.locator('[data-testid=trajectory-current] circle')
  const at = [Number(await circle.getAttribute('cx')), Number(await circle.getAttribute('cy'))] as const
  expect(Math.hypot(at[0] - x, at[1] - y)).toBeLessThan(2)
}

describe.skipIf(reason !== '')(reason ? `trajectory — skipped: ${reason}` : 'trajectory', () => {
  let app: ConsoleUnderTest
  beforeAll(async () => {
    process.env.DVE_DATA_ROOTS = sharedData
    app = await startConsole({ viewport: { width: 1500, height: 1000 } })
  })
  afterAll(async () => {
    delete process.env.DVE_DATA_ROOTS
    await app?.close()
  })

  it('plots the demo walk, follows the timeline and seeks on a click', async () => {
    const { page } = app
    await app.goto('/player?session=demo-apartment&frame=0')
    await page.getByTestId('trajectory-plot').waitFor()
    await expect.poll(() => page.getByTestId('trajectory-current').getAttribute('data-frame')).toBe('0')
    await page.getByTestId('jump-input').fill('#120')
    await page.getByTestId('jump-input').press('Enter')
    await expect.poll(() => page.getByTestId('trajectory-current').getAttribute('data-frame')).toBe('120')
    // The demo's one path has a vertex per frame (all posed).
    await clickVertex(page, 200)
    expect(await page.getByTestId('trajectory-plot').getAttribute('data-up-from')).toBe('camera-up')
    await page.getByTestId('trajectory').scrollIntoViewIfNeeded()
    await page.screenshot({ path: '/tmp/i17-trajectory-demo.png' })
  })

  it.skipIf(sevenScenesMissing !== '')(
    sevenScenesMissing || 'plots a real recording with poses (7-Scenes)',
    async () => {
      const { page, services } = app
      const { jobId } = await services.api.sessions.import({ path: join(sharedData, '7scenes-tsdf-fusion') })
      const id = (await services.api.sessions.importReport({ jobId })).sessionId
      await app.goto(`/player?session=${id}&frame=10`)
      await page.getByTestId('trajectory-plot').waitFor({ timeout: 60_000 })
      await expect.poll(() => page.getByTestId('trajectory-current').getAttribute('data-frame')).toBe('10')
      await clickVertex(page, 70)
      await page.getByTestId('trajectory').scrollIntoViewIfNeeded()
      await page.screenshot({ path: '/tmp/i17-trajectory-7scenes.png' })
    },
    180_000,
  )
})
