import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  chromiumAvailable,
  nonBlankFraction,
  repoRoot,
  sharedData,
  startConsole,
  type ConsoleUnderTest,
} from './harness'
import { missingPaths, sharedData as sharedDataPrerequisite, skipReason } from '../helpers/prerequisites'

/** 5 ICL-NUIM frames with a TUM-style pose list (see its README). */
const recording = join(sharedData, 'slambook2-icl-nuim')
const hasRecording = skipReason('library e2e import', [sharedDataPrerequisite('slambook2-icl-nuim')]) === ''
const sevenScenes = join(sharedData, '7scenes-tsdf-fusion')
const hasDemo =
  missingPaths('library e2e demo session', [join(repoRoot, 'resources', 'demo-recording', 'session.json')]).length === 0
const hasSevenScenes = skipReason('library e2e cancel and seek', [sharedDataPrerequisite('7scenes-tsdf-fusion')]) === ''
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

  it.skipIf(!hasRecording)('imports a real recording through the path field and shows the report', async () => {
    const { page } = app
    await app.goto('/library')
    await page.getByTestId('library-import').click()
    await page.getByTestId('import-path').fill(recording)
    await page.getByTestId('import-detect').click()
    await page.getByTestId('detect-reason').waitFor()
    expect(await page.getByTestId('import-format').inputValue()).toBe('tum')
    await page.getByTestId('import-start').click()
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('report-imported').textContent()).toBe('5')
    const card = page.locator('[data-testid^=session-slambook2-icl-nuim]').first()
    await card.waitFor()
    expect(await card.getByTestId('session-frames').textContent()).toBe('5')
    await expect
      .poll(() => card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0)
    await page.screenshot({ path: '/tmp/dve-library.png' })
  })

  it.skipIf(!hasRecording)(
    'opens the import, shows RGB and colour-mapped depth, scrubs and reads depth under the pointer',
    async () => {
      const { page } = app
      await page.getByTestId('report-open').click()
      await page.getByTestId('view-player').waitFor()
      await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 0 ·')
      await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-rgb]')).toBeGreaterThan(0.3)
      await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-depth]')).toBeGreaterThan(0.3)

      const track = page.getByTestId('timeline-track')
      const box = await track.boundingBox()
      if (!box) throw new Error('timeline has no box')
      await page.mouse.move(box.x + 2, box.y + box.height / 2)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 })
      await page.mouse.up()
      await expect.poll(() => page.getByTestId('timeline-frame').textContent()).toBe('#4 of 5')
      await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 4 ·')

      await page.keyboard.press('Home')
      await expect.poll(() => page.getByTestId('timeline-frame').textContent()).toBe('#0 of 5')

      const depthPane = page.locator('[data-testid=pane-depth] canvas')
      const paneBox = await depthPane.boundingBox()
      if (!paneBox) throw new Error('depth pane has no box')
      await page.mouse.move(paneBox.x + paneBox.width / 2, paneBox.y + paneBox.height / 2)
      await expect.poll(() => page.getByTestId('readout-depth').textContent()).toMatch(/^\d+\.\d{3} m$|^no depth$/)
      await page.screenshot({ path: '/tmp/dve-player.png' })
    },
  )

  it.skipIf(!hasRecording)('deletes the imported session after confirmation', async () => {
    const { page } = app
    await app.goto('/library')
    const card = page.locator('[data-testid^=session-slambook2-icl-nuim]').first()
    await card.getByTestId('session-delete').click()
    await page.getByTestId('confirm-ok').click()
    await expect.poll(() => card.count()).toBe(0)
  })

  it.skipIf(!hasRecording)(
    'picks a recording with the server-side file browser, limited to the allowed roots',
    async () => {
      const { page } = app
      await app.goto('/library')
      if (!(await page.getByTestId('import-panel').count())) await page.getByTestId('library-import').click()
      await page.getByTestId('import-path').fill('')
      await page.getByTestId('import-browse').click()
      await page.getByTestId(`browse-entry-${sharedData}`).click()
      await expect.poll(() => page.getByTestId('browse-path').textContent()).toBe(sharedData)
      await page.getByTestId('browse-entry-slambook2-icl-nuim').click()
      await page.getByTestId('browse-pick-folder').click()
      expect(await page.getByTestId('import-path').inputValue()).toBe(recording)
      await expect.poll(() => page.getByTestId('import-format').inputValue()).toBe('tum')
      // Typing a path outside the roots is refused by the server in browser mode.
      await page.getByTestId('import-path').fill('/etc')
      await page.getByTestId('import-detect').click()
      await expect.poll(() => page.getByTestId('detect-error').textContent()).toContain('outside the folders')
    },
  )

  it.skipIf(!hasSevenScenes)('cancels a running import from the progress bar and adds nothing', async () => {
    const { page, services } = app
    const before = (await services.api.sessions.list()).length
    await app.goto('/library')
    if (!(await page.getByTestId('import-panel').count())) await page.getByTestId('library-import').click()
    await page.getByTestId('import-path').fill(sevenScenes)
    await page.getByTestId('import-detect').click()
    await expect.poll(() => page.getByTestId('import-format').inputValue()).toBe('7scenes')
    await page.getByTestId('import-start').click()
    await expect.poll(() => page.getByTestId('import-progress-text').textContent()).toMatch(/\/ 100 frames/)
    await page.getByTestId('import-cancel').click()
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('cancelled')
    expect((await services.api.sessions.list()).length).toBe(before)
    expect(readdirSync(services.paths.sessions).filter((name) => name.startsWith('.importing-'))).toEqual([])
  })

  it.skipIf(!hasDemo)('plays the built-in demo session', async () => {
    const { page } = app
    await app.goto('/library')
    const demo = page.getByTestId('session-demo-apartment')
    await demo.waitFor()
    expect(await demo.getByTestId('session-delete').isDisabled()).toBe(true)
    await demo.getByTestId('session-open').click()
    await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 0 ·')
    await page.getByTestId('play-toggle').click()
    await expect
      .poll(() => page.getByTestId('frame-line').textContent(), { timeout: 10_000 })
      .not.toContain('frame 0 ·')
    await page.getByTestId('play-toggle').click()
    await page.screenshot({ path: '/tmp/dve-player-demo.png' })
    // Indoor frames may be mostly one wall at one depth: "not blank" = a fair share differs from the corner.
    await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-depth]')).toBeGreaterThan(0.1)
    await expect.poll(() => nonBlankFraction(page, '[data-testid=pane-labels]')).toBeGreaterThan(0.1)
  })

  it.skipIf(!hasDemo && !hasSevenScenes)(
    'reports the seek time in the browser (figures logged, not asserted)',
    async () => {
      const { page, services } = app
      // The goal is stated for 640×480: the 7-Scenes frames when present, else the demo (320×240).
      let id = 'demo-apartment'
      if (hasSevenScenes) {
        const { jobId } = await services.api.sessions.import({ path: sevenScenes })
        id = (await services.api.sessions.importReport({ jobId })).sessionId
      }
      await app.goto(`/player?session=${id}&frame=0`)
      await expect.poll(() => page.getByTestId('frame-line').textContent()).toContain('frame 0 ·')
      const frameCount = (await services.api.sessions.get({ id })).summary.frameCount
      const targets: number[] = []
      let state = 12345
      for (let i = 0; i < 100; i++) {
        state = (state * 1103515245 + 12345) % 2 ** 31
        targets.push((state >>> 8) % frameCount) // low LCG bits repeat with a short period
      }
      // Jumps run inside the page (no CDP polling competing with the server for the CPU) and wait for
      // each frame to be shown; the Player's own seek timer is read after each.
      const seekMs = await page.evaluate(async (frames) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid=jump-input]')!
        const shown = () => document.querySelector('[data-testid=seek-ms]')
        const times: number[] = []
        for (const frame of frames) {
          input.value = `#${frame}`
          input.dispatchEvent(new Event('input'))
          input.form!.requestSubmit()
          await new Promise<void>((resolve) => {
            const check = () =>
              shown()?.getAttribute('data-shown-frame') === String(frame) ? resolve() : requestAnimationFrame(check)
            check()
          })
          times.push(Number(/(\d+)/.exec(shown()?.textContent ?? '')?.[1]))
        }
        return times
      }, targets)
      console.log(`seek ms in jump order: ${seekMs.join(' ')}`)
      seekMs.sort((a, b) => a - b)
      const at = (p: number) => seekMs[Math.min(seekMs.length - 1, Math.ceil((p / 100) * seekMs.length) - 1)]
      console.log(`Player seek in Chromium (${id}, 100 random jumps): p50 ${at(50)} ms, p95 ${at(95)} ms`)
      expect(seekMs.every(Number.isFinite)).toBe(true)
    },
  )
})
