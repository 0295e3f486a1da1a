/** Models view in browser mode: packs from a user models folder, activation, status bar, provider. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumAvailable, repoRoot, startConsole, type ConsoleUnderTest } from './harness'

describe.skipIf(!chromiumAvailable())('models view', () => {
  let app: ConsoleUnderTest

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-e2e-models-'))
    const fixtures = join(repoRoot, 'test', 'fixtures', 'models')
    cpSync(join(fixtures, 'tiny'), join(home, 'models', 'tiny'), { recursive: true })
    cpSync(join(fixtures, 'tiny'), join(home, 'models', 'broken'), { recursive: true })
    const manifestFile = join(home, 'models', 'broken', 'model.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { image: { embeddingDim: number } }
    manifest.image.embeddingDim = 16
    writeFileSync(manifestFile, JSON.stringify(manifest))
    app = await startConsole({ home })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('lists packs, explains a mismatch, activates a pack and shows it in the status bar', async () => {
    await app.goto('/models')
    const tiny = app.page.getByTestId('pack-tiny')
    await tiny.waitFor()
    await app.page.getByTestId('pack-broken').getByTestId('pack-check').click()
    await expect
      .poll(() => app.page.getByTestId('pack-broken').getByTestId('pack-errors').textContent())
      .toContain('image.embeddingDim is 16 but the model outputs 8 channels')

    if ((await tiny.getByTestId('pack-active').count()) === 0) await tiny.getByTestId('pack-activate').click()
    await tiny.getByTestId('pack-active').waitFor()
    await expect.poll(() => app.page.getByTestId('status-model').textContent()).toContain('tiny')
    await expect.poll(() => app.page.getByTestId('status-provider').textContent()).toContain('cpu')
    expect(await app.page.getByTestId('provider-active').textContent()).toContain('cpu')
    await app.page.screenshot({ path: '/tmp/dve-models.png', fullPage: true })
  })

  it('runs the active model on a recording as a job and fills the cache', async () => {
    const panel = app.page.getByTestId('run-on-recording')
    await expect.poll(() => panel.getByTestId('run-session').locator('option').count()).toBeGreaterThan(0)
    await panel.locator('input[type="number"]').nth(1).fill('12')
    await panel.getByTestId('run-start').click()
    await expect
      .poll(() => panel.getByTestId('run-summary').textContent(), { timeout: 60_000 })
      .toContain('12 frames: 12 computed')
    await expect.poll(() => panel.getByTestId('cache-status').textContent()).toContain('12 frames of this session')
    await panel.getByTestId('pca-show').click()
    const image = panel.getByTestId('pca-image')
    await image.waitFor()
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(16)
    await app.page.screenshot({ path: '/tmp/dve-models-run.png', fullPage: true })
  })
})
