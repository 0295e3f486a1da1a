/** One walk through every view, shared by the app-scheme e2e test and the Electron smoke test. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { nonBlankFraction } from './harness'

export interface WalkOptions {
  /** Bounds each wait. */
  timeoutMs: number
  /** A folder for one screenshot per view (none when absent). */
  screenshots?: string
}

/**
 * Visits every view of the console on the demo recording and checks what each draws from the data
 * plane: Library thumbnails, Player RGB and depth, an Ask heatmap, a Segmentation overlay.
 * Views are reached by changing the URL hash (a same-document change, which Electron allows).
 */
export async function walkViews(page: Page, options: WalkOptions): Promise<void> {
  const { timeoutMs } = options
  const goto = (viewPath: string) => page.evaluate((hash) => void (location.hash = hash), viewPath)
  const shot = async (view: string) => {
    if (!options.screenshots) return
    mkdirSync(options.screenshots, { recursive: true })
    await page.screenshot({ path: join(options.screenshots, `${view}.png`) })
  }
  await goto('/library')
  const card = page.locator('[data-testid^=session-demo-apartment]').first()
  await card.waitFor({ timeout: timeoutMs })
  await expect
    .poll(() => card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: timeoutMs })
    .toBeGreaterThan(0)
  await shot('library')

  await goto('/player?session=demo-apartment&frame=20')
  await page.getByTestId('view-player').waitFor({ timeout: timeoutMs })
  await expect
    .poll(() => nonBlankFraction(page, '[data-testid=pane-rgb]'), { timeout: timeoutMs })
    .toBeGreaterThan(0.05)
  await expect
    .poll(() => nonBlankFraction(page, '[data-testid=pane-depth]'), { timeout: timeoutMs })
    .toBeGreaterThan(0.05)
  await shot('player')

  await goto('/ask?session=demo-apartment&frame=20')
  await page.getByTestId('view-ask').waitFor({ timeout: timeoutMs })
  await page.getByTestId('ask-input').fill('where is the sofa?')
  await page.locator('[data-testid="ask-heatmap"][data-layers="1"]').waitFor({ timeout: timeoutMs })
  await expect
    .poll(() => nonBlankFraction(page, '[data-testid="ask-heatmap"]'), { timeout: timeoutMs })
    .toBeGreaterThan(0.01)
  await shot('ask')

  await goto('/segmentation?session=demo-apartment&frame=20')
  await page.getByTestId('view-segmentation').waitFor({ timeout: timeoutMs })
  const withText = page.locator('[data-testid="seg-class-set"] option[data-modes~="text"]').first()
  await withText.waitFor({ state: 'attached', timeout: timeoutMs })
  await page.getByTestId('seg-class-set').selectOption((await withText.getAttribute('value')) ?? '')
  await page.getByTestId('seg-mode-text').click()
  await page.locator('[data-testid="seg-overlay"][data-mode="text"][data-frame="20"]').waitFor({ timeout: timeoutMs })
  await expect
    .poll(() => nonBlankFraction(page, '[data-testid="seg-overlay"]'), { timeout: timeoutMs })
    .toBeGreaterThan(0.05)
  await shot('segmentation')

  for (const view of ['classes', 'map', 'models']) {
    await page.getByTestId(`nav-${view}`).click()
    await page.getByTestId(`view-${view}`).waitFor({ timeout: timeoutMs })
    await shot(view)
  }
}
