/**
 * Map end to end on the demo recording: build the map in the view, see it drawn (pixels checked),
 * rotate it, query it in words and see the pins, pick a voxel and see its frames, take a screenshot.
 * Runs on the shipped demo pack.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoRecordingFrameCount } from '../helpers/prerequisites'
import { demoSkipReason, nonBlankFraction, startConsole, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()
/** Screenshots are kept here for a person to look at (DVE_E2E_SHOTS), else not written. */
const shots = process.env.DVE_E2E_SHOTS ?? null

async function canvasPixels(app: ConsoleUnderTest): Promise<string> {
  return app.page.getByTestId('map-canvas').evaluate((element) => (element as HTMLCanvasElement).toDataURL('image/png'))
}

async function shot(app: ConsoleUnderTest, name: string): Promise<void> {
  if (shots) writeFileSync(join(shots, `${name}.png`), await app.page.screenshot())
}

describe.skipIf(reason !== '')(reason ? `Map view — skipped: ${reason}` : 'Map view', () => {
  let app: ConsoleUnderTest

  beforeAll(async () => {
    app = await startConsole()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('builds the demo map and draws it', async () => {
    await app.goto('/map?session=demo-apartment')
    await app.page.getByTestId('view-map').waitFor()
    await app.page.getByTestId('map-empty').waitFor()
    await app.page.getByTestId('map-voxel-size').fill('0.08')
    await app.page.getByTestId('map-build').click()
    await expect
      .poll(async () => app.page.getByTestId('map-summary').textContent(), { timeout: 150_000, interval: 500 })
      .toMatch(new RegExp(`${demoRecordingFrameCount()}/${demoRecordingFrameCount()} frames`))
    await expect
      .poll(() => nonBlankFraction(app.page, '[data-testid="map-canvas"]'), { timeout: 20_000 })
      .toBeGreaterThan(0.05)
    await shot(app, 'map-built')
  })

  it('rotates the view with the mouse', async () => {
    const before = await canvasPixels(app)
    const box = await app.page.getByTestId('map-canvas').boundingBox()
    if (!box) throw new Error('no canvas box')
    await app.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await app.page.mouse.down()
    await app.page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2 + 40, { steps: 8 })
    await app.page.mouse.up()
    await expect.poll(() => canvasPixels(app), { timeout: 5_000 }).not.toBe(before)
    await shot(app, 'map-rotated')
  })

  it('colours the map by a query and shows pins to go to', async () => {
    await app.page.getByTestId('map-query').fill('plant') // in the demo map (the sofa is a known miss: no pin, by design)
    await app.page.getByTestId('map-query-run').click()
    await app.page.getByTestId('map-pins').waitFor({ timeout: 30_000 })
    expect(await app.page.getByTestId('map-color-mode').inputValue()).toBe('relevancy')
    await app.page.getByTestId('map-pin-0').waitFor()
    const before = await canvasPixels(app)
    await app.page.getByTestId('map-pin-0').getByRole('button', { name: 'Go to' }).click()
    await expect.poll(() => canvasPixels(app), { timeout: 5_000 }).not.toBe(before)
    expect(await nonBlankFraction(app.page, '[data-testid="map-canvas"]')).toBeGreaterThan(0.05)
    await shot(app, 'map-query')
  })

  it('picks a voxel and lists the frames that saw it', async () => {
    await app.page.getByTestId('map-reset').click()
    const box = await app.page.getByTestId('map-canvas').boundingBox()
    if (!box) throw new Error('no canvas box')
    await app.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await app.page.getByTestId('voxel-panel').waitFor({ timeout: 10_000 })
    expect(await app.page.locator('[data-testid^="voxel-frame-"]').count()).toBeGreaterThan(0)
    await shot(app, 'map-voxel')
  })

  it('downloads a screenshot PNG that is not blank', async () => {
    const download = app.page.waitForEvent('download')
    await app.page.getByTestId('map-screenshot').click()
    const file = await download
    const path = await file.path()
    expect(file.suggestedFilename()).toBe('map-demo-apartment.png')
    const { readFileSync } = await import('node:fs')
    const { decode } = await import('fast-png')
    const png = decode(readFileSync(path))
    const channels = png.channels
    const first = [png.data[0], png.data[1], png.data[2]]
    let different = 0
    for (let i = 0; i < png.data.length; i += channels) {
      if (
        Math.abs(png.data[i]! - first[0]!) +
          Math.abs(png.data[i + 1]! - first[1]!) +
          Math.abs(png.data[i + 2]! - first[2]!) >
        24
      )
        different++
    }
    expect(different / (png.width * png.height)).toBeGreaterThan(0.1)
  })
})
