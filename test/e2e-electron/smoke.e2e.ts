/**
 * Electron smoke test: launch the built app, walk every view on the demo (frames, thumbnails,
 * heatmaps, masks drawn), no console errors, a screenshot of each view (test-results/electron/).
 * Needs the Electron binary and a display (`.ci/run` gives it xvfb); skips with one line otherwise.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { demoAssetsMissing, ensureBuilt, repoRoot } from '../e2e/harness'
import { walkViews } from '../e2e/view-walk'

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const skip = !binary
  ? 'no Electron binary installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its install script did not run)'
  : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'no display (run under xvfb-run, as .ci/run does)'
    : demoAssetsMissing()
if (skip) console.warn(`Electron smoke test skipped: ${skip}.`)

describe.skipIf(skip !== '')('Electron app', () => {
  it('opens on the app scheme, walks every view with its data drawn, and logs no errors', async () => {
    ensureBuilt()
    const home = mkdtempSync(join(tmpdir(), 'dve-electron-smoke-'))
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: ['--no-sandbox', repoRoot],
      env: { ...process.env, DVE_HOME: home },
    })
    try {
      const window = await app.firstWindow()
      const problems: string[] = []
      window.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text())
      })
      window.on('pageerror', (error) => problems.push(error.message))
      await window.getByTestId('status-bar').waitFor()
      expect(window.url()).toBe('dve://app/index.html')
      // Isolation, sandbox and no Node: the page sees only the generic bridge.
      const exposed = await window.evaluate(() => ({
        bridge: Object.keys((window as unknown as { dveBridge?: object }).dveBridge ?? {}).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        origin: location.origin,
      }))
      expect(exposed).toEqual({
        bridge: ['onEvent', 'pickPath', 'request'],
        require: 'undefined',
        process: 'undefined',
        origin: 'dve://app',
      })
      await walkViews(window, { timeoutMs: 90_000, screenshots: join(repoRoot, 'test-results', 'electron') })
      expect(problems).toEqual([])
    } finally {
      await app.close()
      rmSync(home, { recursive: true, force: true })
    }
  })
})
