/**
 * Ask end to end on the demo recording: type a query, see the heatmap; search the recording, see
 * the answer and the timeline strip; click a moment and land on that frame. Uses the demo pack, or
 * the tiny fixture pack (random weights: the flow, not the quality) until the demo pack exists.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, nonBlankFraction, repoRoot, startConsole, type ConsoleUnderTest } from './harness'

const demoPack = join(repoRoot, 'models', 'demo', 'model.json')
const fixturePack = join(repoRoot, 'test', 'fixtures', 'models', 'fullres')
const recording = join(repoRoot, 'resources', 'demo-recording', 'session.json')
const missing = [recording, existsSync(demoPack) ? demoPack : fixturePack].filter((p) => !existsSync(p)).map((p) => p.replace(`${repoRoot}/`, ''))
const reason = !chromiumAvailable() ? 'no Chromium' : missing.length ? `missing ${missing.join(', ')}` : ''

/** A fresh home; with the fixture pack as its only user pack when the demo pack is not built yet. */
function homeWithPack(): string {
  const home = mkdtempSync(join(tmpdir(), 'dve-e2e-ask-'))
  if (!existsSync(demoPack)) cpSync(fixturePack, join(home, 'models', 'fullres'), { recursive: true })
  return home
}

describe.skipIf(reason !== '')(reason ? `Ask view — skipped: ${reason}` : 'Ask view', () => {
  let app: ConsoleUnderTest
  const home = homeWithPack()

  beforeAll(async () => {
    app = await startConsole({ home })
  })
  afterAll(async () => {
    await app?.close()
    // A home passed in is not removed by the harness; the demo walk's embedding cache is ~600 MB.
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
