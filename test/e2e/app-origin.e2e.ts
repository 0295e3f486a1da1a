/**
 * Every view in Chromium, served the way the Electron app serves it (see app-scheme-harness.ts):
 * page and data plane on one origin, the page's CSP applied, requests over the preload-style bridge.
 * The same walk with the data plane on another origin (the first Electron build) must fail: that is
 * the proof this test sees the bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoSkipReason, nonBlankFraction } from './harness'
import { appOrigin, startAppSchemeConsole, type AppSchemeConsole } from './app-scheme-harness'

const reason = demoSkipReason()

/** Visits every view and checks what each draws from the data plane; `timeoutMs` bounds each wait. */
async function walkViews(app: AppSchemeConsole, timeoutMs: number): Promise<void> {
  const { page } = app
  await app.goto('/library')
  const card = page.locator('[data-testid^=session-demo-apartment]').first()
  await card.waitFor({ timeout: timeoutMs })
  await expect.poll(() => card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: timeoutMs }).toBeGreaterThan(0)

  await app.goto('/player?session=demo-apartment&frame=20')
  await page.getByTestId('view-player').waitFor({ timeout: timeoutMs })
  await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-rgb]'), { timeout: timeoutMs }).toBeGreaterThan(0.05)
  await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-depth]'), { timeout: timeoutMs }).toBeGreaterThan(0.05)

  await app.goto('/ask?session=demo-apartment&frame=20')
  await page.getByTestId('view-ask').waitFor({ timeout: timeoutMs })
  await page.getByTestId('ask-input').fill('where is the sofa?')
  await page.locator('[data-testid="ask-heatmap"][data-layers="1"]').waitFor({ timeout: timeoutMs })
  await expect.poll(() => nonBlankFraction(page, '[data-testid="ask-heatmap"]'), { timeout: timeoutMs }).toBeGreaterThan(0.01)

  await app.goto('/segmentation?session=demo-apartment&frame=20')
  await page.getByTestId('view-segmentation').waitFor({ timeout: timeoutMs })
  const withText = page.locator('[data-testid="seg-class-set"] option[data-modes~="text"]').first()
  await withText.waitFor({ state: 'attached', timeout: timeoutMs })
  await page.getByTestId('seg-class-set').selectOption((await withText.getAttribute('value')) ?? '')
  await page.getByTestId('seg-mode-text').click()
  await page.locator('[data-testid="seg-overlay"][data-mode="text"][data-frame="20"]').waitFor({ timeout: timeoutMs })
  await expect.poll(() => nonBlankFraction(page, '[data-testid="seg-overlay"]'), { timeout: timeoutMs }).toBeGreaterThan(0.05)
  await page.screenshot({ path: '/tmp/dve-app-origin-segmentation.png' })

  for (const view of ['classes', 'map', 'models']) {
    await page.getByTestId(`nav-${view}`).click()
    await page.getByTestId(`view-${view}`).waitFor({ timeout: timeoutMs })
  }
}

describe.skipIf(reason !== '')(reason ? `App-scheme origin — skipped: ${reason}` : 'App-scheme origin (as in Electron)', () => {
  describe('UI and data plane on one origin', () => {
    let app: AppSchemeConsole
    beforeAll(async () => {
      app = await startAppSchemeConsole({ dataOrigin: 'same' })
    })
    afterAll(async () => {
      await app?.close()
    })

    it('walks every view with frames, thumbnails, heatmaps and masks drawn, and no console errors', async () => {
      expect(await app.page.evaluate(() => location.origin)).toBe(appOrigin)
      // The policy is in force: the page may not reach another origin.
      const blocked = await app.page.evaluate(() => fetch('https://data.dve.test/index.html').then(() => 'fetched', () => 'blocked'))
      expect(blocked).toBe('blocked')
      app.problems.length = 0
      await walkViews(app, 60_000)
      expect(app.problems).toEqual([])
    })
  })

  describe('data plane on another origin (the first Electron build)', () => {
    let app: AppSchemeConsole
    beforeAll(async () => {
      app = await startAppSchemeConsole({ dataOrigin: 'other' })
    })
    afterAll(async () => {
      await app?.close()
    })

    it('fails the same walk: the page cannot load its data', async () => {
      await expect(walkViews(app, 8_000)).rejects.toThrow()
      expect(app.problems.join('\n')).toMatch(/data\.dve\.test|Content Security Policy|CORS/)
    })
  })
})
