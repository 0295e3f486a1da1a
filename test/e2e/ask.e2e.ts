/**
 * Ask end to end on the demo recording: type a query, see the heatmap; search the recording, see
 * the answer and the timeline strip; click a moment and land on that frame (the shipped demo pack).
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoSkipReason, nonBlankFraction, startConsole, temporaryHome, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()

describe.skipIf(reason !== '')(reason ? `Ask view — skipped: ${reason}` : 'Ask view', () => {
  let app: ConsoleUnderTest
  const home = temporaryHome('ask')

  beforeAll(async () => {
    app = await startConsole({ home })
  })
  afterAll(async () => {
    await app?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('shows a heatmap while typing', async () => {
    await app.goto('/ask?session=demo-apartment')
    await app.page.getByTestId('view-ask').waitFor()
    await app.page.getByTestId('ask-input').fill('where is the sofa?')
    await app.page.locator('[data-testid="ask-heatmap"][data-layers="1"]').waitFor({ timeout: 60_000 })
    await expect.poll(() => nonBlankFraction(app.page, '[data-testid="ask-heatmap"]'), { timeout: 10_000 }).toBeGreaterThan(0.01)
  })

  it('searches the recording: answer, timeline strip, and moments that jump to their frame', async () => {
    await app.page.getByTestId('ask-input').press('Enter')
    await app.page.getByTestId('ask-answer').waitFor({ timeout: 170_000 })
    expect(await app.page.getByTestId('ask-answer-text').textContent()).toMatch(/^(Seen|Not seen)/)
    await app.page.getByTestId('relevancy-strip').waitFor()
    expect(await nonBlankFraction(app.page, '[data-testid="relevancy-strip"]')).toBeGreaterThan(0.01)
    const moments = app.page.getByTestId('ask-moment')
    expect(await moments.count()).toBeGreaterThan(1)
    const target = moments.nth(1)
    const frame = Number(await target.getAttribute('data-frame'))
    await target.click()
    await expect.poll(() => app.page.getByTestId('timeline-frame').textContent()).toMatch(new RegExp(`^${frame + 1} / `))
    expect(app.page.url()).toContain(`frame=${frame}`)
    await app.page.screenshot({ path: '/tmp/dve-ask.png' })
  })
})
