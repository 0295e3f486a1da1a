/**
 * Electron smoke test: launch the built app and check the first view. Our machines cannot download
 * the Electron binary, so this is skipped there with the reason printed.
 */
import { describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { ensureBuilt, repoRoot } from '../e2e/harness'

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
if (!binary) console.warn('Electron smoke test skipped: no Electron binary installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1).')

describe.skipIf(!binary)('Electron app', () => {
  it('opens the window on the Library view with the status bar', async () => {
    ensureBuilt()
    const app = await electron.launch({ executablePath: binary ?? undefined, args: [join(repoRoot)], env: { ...process.env, DVE_HOME: join(repoRoot, 'out', 'e2e-home') } })
    const window = await app.firstWindow()
    await window.getByTestId('status-bar').waitFor()
    expect(await window.getByTestId('view-library').count()).toBe(1)
    // Isolation, sandbox and no Node: the page sees only the generic bridge.
    const exposed = await window.evaluate(() => ({
      bridge: typeof (window as unknown as { dveBridge?: unknown }).dveBridge,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(exposed).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' })
    await app.close()
  })
})
