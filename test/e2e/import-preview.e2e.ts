/**
 * The import preview on real recordings: after detection the panel shows the first frame's colour,
 * depth with its colour bar, the histogram, a point cloud and every decision with its reason; the
 * person can change the depth reading before anything is written. Screenshots go to
 * $DVE_SCREENSHOT_DIR when set (they are looked at by people, not compared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromiumAvailable, nonBlankFraction, sharedData, startConsole, type ConsoleUnderTest } from './harness'

const esanet = join(sharedData, 'esanet-kinect2-sample')
const replica = join(sharedData, 'replica-office0-nvblox')
const available = existsSync(esanet) && existsSync(replica)
if (!available && process.env.CI === 'true')
  throw new Error(`import preview e2e: ${sharedData} recordings are missing, and CI=true requires them.`)
if (!available) console.warn(`import preview e2e: ${esanet} or ${replica} is missing; skipped.`)

describe.skipIf(!chromiumAvailable() || !available)('Import preview in browser mode', () => {
  let app: ConsoleUnderTest
  let previousRoots: string | undefined

  beforeAll(async () => {
    previousRoots = process.env.DVE_DATA_ROOTS
    process.env.DVE_DATA_ROOTS = sharedData
    app = await startConsole({ viewport: { width: 1400, height: 1100 } })
  })
  afterAll(async () => {
    if (previousRoots === undefined) delete process.env.DVE_DATA_ROOTS
    else process.env.DVE_DATA_ROOTS = previousRoots
    await app?.close()
  })

  const shoot = async (name: string): Promise<void> => {
    if (process.env.DVE_SCREENSHOT_DIR)
      await app.page.getByTestId('import-panel').screenshot({ path: join(process.env.DVE_SCREENSHOT_DIR, name) })
  }

  it('shows the first frame, the decisions with reasons, and the data-fitting depth unit of an unlabelled Kinect v2 sample', async () => {
    const { page } = app
    await app.goto('/library')
    await page.getByTestId('library-import').click()
    await page.getByTestId('import-path').fill(esanet)
    await page.getByTestId('import-detect').click()
    await page.getByTestId('import-preview').waitFor({ timeout: 60_000 })
    const decisions = await page.getByTestId('preview-decisions').textContent()
    expect(decisions).toMatch(/plain · 0\.0001 m per unit/)
    expect(decisions).toMatch(/median 2\.45 m/)
    expect(decisions).toMatch(/Orientation\s*as decided: turned 0°.*kept as stored \(512×424/s)
    expect(await page.getByTestId('preview-warnings').textContent()).toMatch(/1\/5000 m .* also looks plausible/)
    expect(await nonBlankFraction(page, '[data-testid="preview-depth"]')).toBeGreaterThan(0.5)
    expect(await nonBlankFraction(page, '[data-testid="preview-cloud"]')).toBeGreaterThan(0.05)
    await shoot('import-preview-esanet.png')

    // Choosing another reading and updating the preview changes the decision; nothing was written.
    await page.getByTestId('preview-depth-choice').selectOption('plain@0.0002')
    await page.getByTestId('preview-update').click()
    await expect
      .poll(async () => page.getByTestId('preview-decisions').textContent(), { timeout: 30_000 })
      .toMatch(/set in the import options/)
    const sessions = join(app.home, 'sessions')
    expect(existsSync(sessions) ? readdirSync(sessions).filter((n) => n.startsWith('esanet')) : []).toEqual([])
  })

  it('previews a posed recording: intrinsics from cam_params.json and the pose convention confirmed by overlap', async () => {
    const { page } = app
    await page.getByTestId('import-path').fill(replica)
    await page.getByTestId('import-detect').click()
    await expect
      .poll(async () => page.getByTestId('preview-decisions').textContent(), { timeout: 60_000 })
      .toMatch(/confirmed by consecutive frames/)
    expect(await page.getByTestId('preview-decisions').textContent()).toMatch(/fx 600\.0/)
    await shoot('import-preview-replica.png')
  })
})
