/**
 * Segmentation end to end on the demo recording: choose text mode and a class set, see an overlay
 * that changes the RGB, switch mode and see the legend change, play with the overlay. Runs on the demo
 * pack and its class set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { demoSkipReason, nonBlankFraction, startConsole, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()

/** Mean absolute RGB difference between the overlay canvas and the frame's RGB drawn at the same size. */
function differenceFromRgb(page: Page, rgbUrl: string): Promise<number> {
  return page
    .locator('[data-testid="seg-overlay"]')
    .first()
    .evaluate(async (element, url) => {
      const canvas = element as HTMLCanvasElement
      const image = new Image()
      image.src = url
      await image.decode()
      const read = (source: CanvasImageSource) => {
        const copy = document.createElement('canvas')
        copy.width = canvas.width
        copy.height = canvas.height
        const ctx = copy.getContext('2d') as CanvasRenderingContext2D
        ctx.drawImage(source, 0, 0, copy.width, copy.height)
        return ctx.getImageData(0, 0, copy.width, copy.height).data
      }
      const a = read(canvas)
      const b = read(image)
      let sum = 0
      for (let i = 0; i < a.length; i += 4)
        sum +=
          Math.abs((a[i] ?? 0) - (b[i] ?? 0)) +
          Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) +
          Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0))
      return sum / (3 * (a.length / 4))
    }, rgbUrl)
}

async function legend(page: Page): Promise<string[]> {
  return page
    .getByTestId('seg-legend-item')
    .evaluateAll((items) =>
      items.map((item) => `${item.getAttribute('data-class')} ${item.querySelector('.share')?.textContent ?? ''}`),
    )
}

describe.skipIf(reason !== '')(reason ? `Segmentation view — skipped: ${reason}` : 'Segmentation view', () => {
  let app: ConsoleUnderTest

  beforeAll(async () => {
    app = await startConsole()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('overlays the text-mode class map on the RGB, and the legend changes with the mode', async () => {
    await app.goto('/segmentation?session=demo-apartment&frame=40')
    await app.page.getByTestId('view-segmentation').waitFor()
    // A class set with a text and a visual-mean head (the demo pack's).
    const withMeans = app.page
      .locator('[data-testid="seg-class-set"] option[data-modes~="text"][data-modes~="mean"]')
      .first()
    await withMeans.waitFor({ state: 'attached', timeout: 30_000 })
    await app.page.getByTestId('seg-class-set').selectOption((await withMeans.getAttribute('value')) ?? '')
    await app.page.getByTestId('seg-mode-text').click()
    await app.page
      .locator('[data-testid="seg-overlay"][data-mode="text"][data-frame="40"]')
      .waitFor({ timeout: 60_000 })
    expect(await nonBlankFraction(app.page, '[data-testid="seg-overlay"]')).toBeGreaterThan(0.05)
    const rgbUrl = `${app.origin}/data/sessions/demo-apartment/frames/40/rgb?token=${app.token}`
    expect(await differenceFromRgb(app.page, rgbUrl)).toBeGreaterThan(10)
    const textLegend = await legend(app.page)
    expect(textLegend.length).toBeGreaterThan(3)
    await app.page.screenshot({ path: '/tmp/dve-segmentation-text.png' })

    await app.page.getByTestId('seg-mode-mean').click()
    await app.page.locator('[data-testid="seg-overlay"][data-mode="mean"]').waitFor({ timeout: 60_000 })
    await expect.poll(() => legend(app.page), { timeout: 10_000 }).not.toEqual(textLegend)
    await app.page.screenshot({ path: '/tmp/dve-segmentation-mean.png' })
  })

  it('reads out class, score and runner-up under the pointer; shows PCA-RGB of the embeddings', async () => {
    const box = await app.page.getByTestId('seg-overlay').first().boundingBox()
    if (!box) throw new Error('no overlay canvas on the page')
    await app.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7)
    const readout = (await app.page.getByTestId('seg-hover').innerText()).trim()
    const names = (await legend(app.page)).map((entry) => entry.split(' ').slice(0, -2).join(' '))
    const [winner, runnerUp] = [/^(.+?) \d\.\d{3}/.exec(readout)?.[1], /runner-up: (.+?) \d\.\d{3}/.exec(readout)?.[1]]
    expect(names).toContain(winner)
    expect(names).toContain(runnerUp)
    expect(winner).not.toBe(runnerUp)

    await app.page.getByTestId('seg-pca').check()
    await app.page.locator('[data-testid="seg-overlay"][data-mode="pca"]').waitFor({ timeout: 60_000 })
    await expect
      .poll(() => nonBlankFraction(app.page, '[data-testid="seg-overlay"]'), { timeout: 10_000 })
      .toBeGreaterThan(0.05)
    await app.page.screenshot({ path: '/tmp/dve-segmentation-pca.png' })
    await app.page.getByTestId('seg-pca').uncheck()
    await app.page.locator('[data-testid="seg-overlay"][data-mode="mean"]').waitFor({ timeout: 10_000 })
  })

  it('compares two modes side by side and plays the recording with the overlay timed', async () => {
    await app.page.getByTestId('seg-compare').selectOption('text')
    await app.page.getByTestId('seg-agreement').waitFor({ timeout: 60_000 })
    expect(await app.page.getByTestId('seg-pane').count()).toBe(2)
    await app.page.getByTestId('seg-compare').selectOption('')
    await app.page.getByTestId('seg-play').click()
    await expect
      .poll(() => app.page.getByTestId('seg-frame-ms').textContent(), { timeout: 60_000 })
      .toMatch(/mean \d+ ms over [3-9] frames/)
    await app.page.getByTestId('seg-play').click()
    await app.page.screenshot({ path: '/tmp/dve-segmentation-play.png' })
  })
})
