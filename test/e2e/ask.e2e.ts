/**
 * Ask end to end on the demo recording and its map (the shipped demo pack): the placeholder's own
 * example gets a positive answer in plain words with a picture and a map pin; "Show in map" asks the
 * map the same question (pin listed and focused); a misspelling gets "Did you mean"; Advanced shows
 * the numbers. Screenshots of both modes go to /tmp/dve-ask-default.png and /tmp/dve-ask-advanced.png.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoRecordingFrameCount } from '../helpers/prerequisites'
import { demoSkipReason, nonBlankFraction, startConsole, temporaryHome, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()

describe.skipIf(reason !== '')(reason ? `Ask view — skipped: ${reason}` : 'Ask view', () => {
  let app: ConsoleUnderTest
  const home = temporaryHome('ask')

  beforeAll(async () => {
    app = await startConsole({ home })
    // The map Ask pins in (every 2nd frame is plenty for a 5 cm map of the walk).
    const { jobId } = await app.services.api.map.build({ sessionId: 'demo-apartment', frameStep: 2 })
    for (;;) {
      const job = (await app.services.api.jobs.list()).find((j) => j.id === jobId)
      if (job?.state === 'done') break
      if (job && job.state !== 'running') throw new Error(job.error ?? job.state)
      await new Promise((r) => setTimeout(r, 500))
    }
  }, 300_000)
  afterAll(async () => {
    await app?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('answers the placeholder example in plain words, with a picture, a ring and a map pin', async () => {
    const { page } = app
    await app.goto('/ask?session=demo-apartment')
    await page.getByTestId('view-ask').waitFor()
    const placeholder = (await page.getByTestId('ask-input').getAttribute('placeholder')) ?? ''
    const example = /^e\.g\. (.+)$/.exec(placeholder)?.[1] ?? ''
    expect(example).toBe('where is the plant?')
    await page.getByTestId('ask-input').fill(example)
    await page.locator('[data-testid="ask-heatmap"][data-layers="1"]').waitFor({ timeout: 60_000 })
    await page.getByTestId('ask-input').press('Enter')
    await page.getByTestId('ask-answer').waitFor({ timeout: 170_000 })
    const answer = (await page.getByTestId('ask-answer-text').textContent()) ?? ''
    expect(answer).toMatch(/^The plant was last seen .+\. Seen (once|twice|\d+ times) in this recording\.$/)
    expect(answer).not.toMatch(/\d\.\d\d|frame|relevancy|threshold/)
    await page.getByTestId('ask-show-map').waitFor()
    await page.getByTestId('ask-answer-picture').waitFor()
    // The answer jumps to the picture's frame, which shows the plant: the ring marks it.
    await page.getByTestId('ask-ring').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('ask-ring').textContent()).toBe('plant · most likely here')
    expect(await nonBlankFraction(page, '[data-testid="relevancy-strip"]')).toBeGreaterThan(0.01)
    await page.screenshot({ path: '/tmp/dve-ask-default.png' })
  })

  it('moves the shared timeline from a moment, and shows the numbers in Advanced', async () => {
    const { page } = app
    const moments = page.getByTestId('ask-moment')
    expect(await moments.count()).toBeGreaterThanOrEqual(1)
    const frame = Number(await moments.first().getAttribute('data-frame'))
    await moments.first().click()
    await expect
      .poll(() => page.getByTestId('timeline-frame').textContent())
      .toBe(`#${frame} of ${demoRecordingFrameCount()}`)
    await page.keyboard.press('ArrowRight')
    await expect
      .poll(() => page.getByTestId('timeline-frame').textContent())
      .toBe(`#${frame + 1} of ${demoRecordingFrameCount()}`)
    await page.getByTestId('ask-advanced').check()
    await page.getByTestId('ask-answer-details').waitFor()
    expect(await page.getByTestId('ask-answer-details').textContent()).toMatch(/^threshold 0\.\d\d \(pack\)/)
    await page.getByTestId('relevancy-legend').waitFor()
    await page.screenshot({ path: '/tmp/dve-ask-advanced.png' })
    await page.getByTestId('ask-advanced').uncheck()
  })

  it('shows the pin in the map, listed and focused, with its label', async () => {
    const { page } = app
    await page.getByTestId('ask-show-map').click()
    await page.getByTestId('view-map').waitFor()
    await page.getByTestId('map-pin-0').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('map-pin-0').textContent()).toMatch(/^plant — on the plant/)
    expect(await page.locator('.pins li.focused').count()).toBe(1)
    expect(await page.getByTestId('map-color-mode').inputValue()).toBe('relevancy')
    await page.screenshot({ path: '/tmp/dve-map-from-ask.png' })
  })

  it('suggests the right word for a misspelling', async () => {
    const { page } = app
    await app.goto('/ask?session=demo-apartment')
    await page.getByTestId('ask-input').fill('whre is the plnat')
    await page.getByTestId('ask-input').press('Enter')
    await page.getByTestId('ask-suggestion').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('ask-suggestion').textContent()).toContain('“plant”')
    expect(await page.getByTestId('ask-answer-text').textContent()).toMatch(
      /does not know the word “plnat”.+Did you mean “plant”\?$/,
    )
    await page.screenshot({ path: '/tmp/dve-ask-suggestion.png' })
  })
})
