/**
 * Classes end to end on the demo recording: create a class set with two classes, paint each with the
 * brush, train the probe, see its prediction overlay appear, reload the page and find the labels and
 * the probe intact; export the labels through the browser-mode file browser and import them into a
 * copy of the set, pixel for pixel, and the same through COCO panoptic. Runs on the shipped demo pack.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { demoSkipReason, startConsole, temporaryHome, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()

/** Painted pixels of a canvas: opaque ones, split by which of two colours they are closest to. */
function paintedPixels(page: Page, testId: string, colors: Array<[number, number, number]>): Promise<number[]> {
  return page.getByTestId(testId).evaluate((element, palette) => {
    const canvas = element as HTMLCanvasElement
    const data =
      canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray()
    const counts = palette.map(() => 0)
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] ?? 0) === 0) continue
      const distances = palette.map(
        (c) =>
          Math.abs((data[i] ?? 0) - c[0]) + Math.abs((data[i + 1] ?? 0) - c[1]) + Math.abs((data[i + 2] ?? 0) - c[2]),
      )
      const best = distances.indexOf(Math.min(...distances))
      counts[best] = (counts[best] ?? 0) + 1
    }
    return counts
  }, colors)
}

/** A checksum of every RGBA byte of a canvas: equal only for pixel-identical drawings. */
function canvasDigest(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).evaluate((element) => {
    const canvas = element as HTMLCanvasElement
    const data =
      canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray()
    let a = 1
    let b = 0
    for (const v of data) {
      a = (a + v) % 65521
      b = (b + a) % 65521
    }
    return `${canvas.width}x${canvas.height}:${a}:${b}`
  })
}

/** Walks the server-side file browser down `folders` (a root, then names inside it) and uses the last. */
async function pickFolder(page: Page, folders: string[]): Promise<void> {
  for (const folder of folders) await page.getByTestId(`browse-entry-${folder}`).click()
  await page.getByTestId('browse-pick-folder').click()
}

function exchangeResult(page: Page, text: string): Promise<void> {
  return expect.poll(() => page.getByTestId('exchange-result').textContent(), { timeout: 30_000 }).toContain(text)
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = await page.getByTestId('label-overlay').boundingBox()
  if (!box) throw new Error('label canvas not laid out')
  await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height)
  await page.mouse.down()
  for (let s = 1; s <= 8; s++) {
    await page.mouse.move(
      box.x + (from[0] + ((to[0] - from[0]) * s) / 8) * box.width,
      box.y + (from[1] + ((to[1] - from[1]) * s) / 8) * box.height,
    )
  }
  await page.mouse.up()
}

describe.skipIf(reason !== '')(reason ? `Classes view — skipped: ${reason}` : 'Classes view', () => {
  let app: ConsoleUnderTest
  const home = temporaryHome('classes')
  // Browser mode exports only inside allowed roots: this folder is one (DVE_DATA_ROOTS).
  const exchange = mkdtempSync(join(tmpdir(), 'dve-e2e-exchange-'))
  // The first two Okabe-Ito colours the editor gives new classes.
  const colors: Array<[number, number, number]> = [
    [230, 159, 0],
    [86, 180, 233],
  ]

  beforeAll(async () => {
    process.env.DVE_DATA_ROOTS = exchange
    app = await startConsole({ home })
  })
  afterAll(async () => {
    delete process.env.DVE_DATA_ROOTS
    await app?.close()
    rmSync(home, { recursive: true, force: true })
    rmSync(exchange, { recursive: true, force: true })
  })

  it('labels two classes with the brush, trains the probe and shows its prediction', async () => {
    const { page } = app
    await app.goto('/classes')
    await page.getByTestId('view-classes').waitFor()
    await page.getByTestId('new-set').click()
    // The app's own dialog, its name field focused: typing goes straight into it.
    await page.keyboard.type('E2E room')
    await page.keyboard.press('Enter')
    await page.getByTestId('empty-set-hint').waitFor()
    // No placeholder class: the first row is blank and focused.
    await page.keyboard.type('floor')
    await page.getByTestId('add-class').click()
    await page.keyboard.type('wall')
    await page.getByTestId('save-classes').click()
    await page.getByTestId('pick-class-1').waitFor()
    await page.getByTestId('auto-retrain').uncheck()
    await expect.poll(() => page.getByTestId('label-session').inputValue()).toBe('demo-apartment')

    await page.keyboard.press('1')
    await drag(page, [0.1, 0.75], [0.4, 0.9]) // floor-ish
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)
    // One class painted: the panel asks for a second one (no training, no failed job).
    // The status follows the strokes after a debounce; on a loaded machine that takes more than a second.
    await expect
      .poll(() => page.getByTestId('probe-hint').textContent(), { timeout: 15_000 })
      .toContain('Paint a second class to train the probe.')
    await page.keyboard.press('2')
    await drag(page, [0.5, 0.1], [0.9, 0.25]) // wall-ish
    await expect
      .poll(async () => (await paintedPixels(page, 'label-overlay', colors)).every((n) => n > 100), { timeout: 10_000 })
      .toBe(true)
    await expect.poll(() => page.getByTestId('classes-error').count()).toBe(0)

    expect((await paintedPixels(page, 'probe-overlay', colors)).reduce((a, b) => a + b, 0)).toBe(0)
    await page.getByTestId('train-probe').click()
    await expect.poll(() => page.getByTestId('probe-state').textContent(), { timeout: 120_000 }).toMatch(/^\s*ready/)
    await page.getByTestId('loss-curve').waitFor()
    // The probe's class map of the frame now lies under the labels: every pixel is one of the two classes.
    await expect
      .poll(async () => (await paintedPixels(page, 'probe-overlay', colors)).reduce((a, b) => a + b, 0), {
        timeout: 60_000,
      })
      .toBeGreaterThan(10_000)
    await page.screenshot({ path: '/tmp/dve-classes-trained.png' })
    await page.getByTestId('label-stage').screenshot({ path: '/tmp/i17-labelling-canvas.png' })
  })

  it('retrains by itself shortly after a stroke when auto-retrain is on', async () => {
    const { page } = app
    const before = await page.getByTestId('probe-state').textContent()
    await page.getByTestId('auto-retrain').check()
    await page.keyboard.press('1')
    await drag(page, [0.1, 0.6], [0.3, 0.65])
    // The pixel counts in the status change once the debounced retrain has finished.
    await expect.poll(() => page.getByTestId('probe-state').textContent(), { timeout: 60_000 }).not.toBe(before)
    await expect.poll(() => page.getByTestId('probe-state').textContent(), { timeout: 60_000 }).toMatch(/^\s*ready/)
  })

  it('finds labels and probe intact after a reload', async () => {
    const { page } = app
    const before = await paintedPixels(page, 'label-overlay', colors)
    await page.reload()
    await app.goto('/classes')
    await page.getByTestId('view-classes').waitFor()
    await expect.poll(() => page.getByTestId('probe-state').textContent(), { timeout: 30_000 }).toMatch(/^\s*ready/)
    await expect.poll(() => paintedPixels(page, 'label-overlay', colors), { timeout: 30_000 }).toEqual(before)
    await expect
      .poll(async () => (await paintedPixels(page, 'probe-overlay', colors)).reduce((a, b) => a + b, 0), {
        timeout: 60_000,
      })
      .toBeGreaterThan(10_000)
  })

  /** Duplicates the set, imports the labels in `folders` into the (empty) copy, and expects `painted`. */
  async function importIntoCopy(copyId: string, folders: string[], painted: string): Promise<void> {
    const { page } = app
    await page.locator('[data-testid^="class-set-user-e2e-room"]').first().getByText('Duplicate').click()
    // Select the copy by its name (the row's middle holds its Rename and Delete buttons).
    await page.locator(`[data-testid^="class-set-${copyId}"] .name`).first().click()
    await expect
      .poll(() => paintedPixels(page, 'label-overlay', colors).then((c) => c.reduce((a, b) => a + b, 0)))
      .toBe(0)
    await page.getByTestId('import-labels').click()
    await pickFolder(page, folders)
    await exchangeResult(page, 'Imported labels of 1 frame')
    await expect.poll(() => canvasDigest(page, 'label-overlay'), { timeout: 30_000 }).toBe(painted)
  }

  it('exports the labels to a folder and imports them into a copy of the set, pixel for pixel', async () => {
    const { page } = app
    const painted = await canvasDigest(page, 'label-overlay')
    await page.getByTestId('export-labels-png').click()
    await pickFolder(page, [exchange])
    await exchangeResult(page, 'label PNGs and classes.json written')
    expect(readdirSync(exchange).sort()).toEqual(['000000.png', 'classes.json'])

    await importIntoCopy('user-e2e-room-copy', [exchange], painted)
  })

  it('exports COCO panoptic and imports it into another copy of the set, pixel for pixel', async () => {
    const { page } = app
    await page.locator('[data-testid^="class-set-user-e2e-room"] .name').first().click()
    await expect
      .poll(() => paintedPixels(page, 'label-overlay', colors).then((c) => Math.min(...c)), { timeout: 30_000 })
      .toBeGreaterThan(0)
    const painted = await canvasDigest(page, 'label-overlay')
    const folder = join(exchange, 'panoptic')
    mkdirSync(folder)
    await page.getByTestId('export-labels-panoptic').click()
    await pickFolder(page, [exchange, 'panoptic'])
    await exchangeResult(page, 'COCO panoptic written')
    const json = readdirSync(folder).find((n) => n.endsWith('.json')) ?? ''
    expect(json).toMatch(/^panoptic_demo-apartment\..+\.json$/)
    expect(readdirSync(join(folder, json.slice(0, -5)))).toEqual(['000000.png'])

    await importIntoCopy('user-e2e-room-copy-2', [exchange, 'panoptic'], painted)
    await page.getByTestId('label-exchange').screenshot({ path: '/tmp/i17-label-exchange.png' })
  })

  it('replaces the files of an earlier export only after the person says so', async () => {
    const { page } = app
    const written = readFileSync(join(exchange, '000000.png'))
    await page.getByTestId('export-labels-png').click()
    await pickFolder(page, [exchange])
    await expect
      .poll(() => page.getByTestId('confirm-dialog').textContent(), { timeout: 30_000 })
      .toContain('already holds 2 of the files this export writes (000000.png, classes.json)')
    await page.screenshot({ path: '/tmp/dve-classes-replace-files.png' })
    await page.getByTestId('confirm-cancel').click()
    await expect.poll(() => page.getByTestId('confirm-dialog').count()).toBe(0)
    await page.getByTestId('export-labels-png').click()
    await pickFolder(page, [exchange])
    await page.getByTestId('confirm-ok').click()
    await exchangeResult(page, 'label PNGs and classes.json written')
    expect(readFileSync(join(exchange, '000000.png')).equals(written)).toBe(true) // the same labels, rewritten
  })
})
