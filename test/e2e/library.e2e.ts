import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromiumAvailable, nonBlankFraction, repoRoot, sharedData, startConsole, type ConsoleUnderTest } from './harness'

const redwood = join(sharedData, 'open3d-redwood-rgbd')
const hasRedwood = existsSync(join(redwood, 'README.md'))
const hasDemo = existsSync(join(repoRoot, 'resources', 'demo-recording', 'session.json'))
if (!hasRedwood) console.warn(`library e2e: ${redwood} is missing; the import part is skipped.`)
if (!hasDemo) console.warn('library e2e: resources/demo-recording is missing; the demo part is skipped.')

describe.skipIf(!chromiumAvailable())('Library and Player in browser mode', () => {
  let app: ConsoleUnderTest
  let previousRoots: string | undefined

  beforeAll(async () => {
    // The server-side browser and browser-mode imports only reach allowed roots; add the shared data.
    previousRoots = process.env.DVE_DATA_ROOTS
    process.env.DVE_DATA_ROOTS = sharedData
    app = await startConsole()
  })
  afterAll(async () => {
    if (previousRoots === undefined) delete process.env.DVE_DATA_ROOTS
    else process.env.DVE_DATA_ROOTS = previousRoots
    await app?.close()
  })

  it.skipIf(!hasRedwood)('imports a real recording through the path field and shows the report', async () => {
    const { page } = app
    await app.goto('/library')
    await page.getByTestId('library-import').click()
    await page.getByTestId('import-path').fill(redwood)
    await page.getByTestId('import-detect').click()
    await page.getByTestId('detect-reason').waitFor()
    expect(await page.getByTestId('import-format').inputValue()).toBe('redwood')
    await page.getByTestId('import-start').click()
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('report-imported').textContent()).toBe('5')
    const card = page.locator('[data-testid^=session-redwood], [data-testid^=session-open3d]').first()
    await card.waitFor()
    expect(await card.getByTestId('session-frames').textContent()).toBe('5')
    await page.screenshot({ path: '/tmp/dve-library.png' })
  })

  it.skipIf(!hasRedwood)('opens the import, shows RGB and colour-mapped depth, scrubs and reads depth under the pointer', async () => {
    const { page } = app
    await page.getByTestId('report-open').click()
    await page.getByTestId('view-player').waitFor()
    await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 1 ·')
    await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-rgb]')).toBeGreaterThan(0.3)
    await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-depth]')).toBeGreaterThan(0.3)

    const track = page.getByTestId('timeline-track')
    const box = await track.boundingBox()
    if (!box) throw new Error('timeline has no box')
    await page.mouse.move(box.x + 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 })
    await page.mouse.up()
    await expect.poll(() => page.getByTestId('timeline-frame').textContent()).toBe('5 / 5')
    await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 5 ·')

    await page.keyboard.press('Home')
    await expect.poll(() => page.getByTestId('timeline-frame').textContent()).toBe('1 / 5')

    const depthPane = page.locator('[data-testid=pane-depth] canvas')
    const paneBox = await depthPane.boundingBox()
    if (!paneBox) throw new Error('depth pane has no box')
    await page.mouse.move(paneBox.x + paneBox.width / 2, paneBox.y + paneBox.height / 2)
    await expect.poll(() => page.getByTestId('readout-depth').textContent()).toMatch(/^\d+\.\d{3} m$|^no depth$/)
    await page.screenshot({ path: '/tmp/dve-player.png' })
  })

  it.skipIf(!hasRedwood)('deletes the imported session after confirmation', async () => {
    const { page } = app
    await app.goto('/library')
    const card = page.locator('[data-testid^=session-redwood], [data-testid^=session-open3d]').first()
    await card.getByTestId('session-delete').click()
    await page.getByTestId('confirm-ok').click()
    await expect.poll(() => card.count()).toBe(0)
  })

  it.skipIf(!hasDemo)('plays the built-in demo session', async () => {
    const { page } = app
    await app.goto('/library')
    const demo = page.getByTestId('session-demo-apartment')
    await demo.waitFor()
    expect(await demo.getByTestId('session-delete').isDisabled()).toBe(true)
    await demo.getByTestId('session-open').click()
    await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 1 ·')
    await page.getByTestId('play-toggle').click()
    await expect.poll(() => page.getByTestId('frame-line').textContent(), { timeout: 10_000 }).not.toContain('frame 1 ·')
    await page.getByTestId('play-toggle').click()
    await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-depth]')).toBeGreaterThan(0.3)
    await page.screenshot({ path: '/tmp/dve-player-demo.png' })
  })
})
