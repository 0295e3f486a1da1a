/**
 * End-to-end harness: the console in browser mode (real services, real server, a temporary DVE_HOME)
 * driven by Debian's Chromium through playwright-core.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { createServices, type Services } from '../../src-main/services/create-services'
import { consolePaths } from '../../src-main/platform/paths'
import { startBrowserHost, type BrowserHost } from '../../src-main/server/browser-host'
import { newToken } from '../../src-main/server/auth'
import {
  chromium as chromiumPrerequisite,
  chromiumPath as foundChromium,
  repoFile,
  repoRoot,
  sharedDataDir,
  skipReason,
} from '../helpers/prerequisites'

export { repoRoot }
export const sharedData = sharedDataDir
/** Found on PATH (or CHROMIUM_PATH); the tests that need it skip, or fail under CI=true, when it is missing. */
export const chromiumPath = foundChromium ?? 'chromium'
export const chromiumFlags = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']

export interface ConsoleUnderTest {
  page: Page
  context: BrowserContext
  browser: Browser
  services: Services
  host: BrowserHost
  /** URL with the token. */
  url: string
  /** Origin without the token (for checking that requests without it are refused). */
  origin: string
  token: string
  /** The temporary DVE_HOME. */
  home: string
  /** Navigate to a view, e.g. `goto('/library')`. */
  goto(viewPath: string): Promise<void>
  close(): Promise<void>
}

export interface StartOptions {
  /** Reuse a DVE_HOME (e.g. to reload after a restart); a fresh temporary one by default. */
  home?: string
  viewport?: { width: number; height: number }
}

/** Builds the renderer once if `out/renderer` is missing (npm test builds before e2e). */
export function ensureBuilt(): void {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return
  execFileSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: 'inherit' })
}

/** Whether Chromium is here (a skip with a message when not; a failure under CI=true). */
export function chromiumAvailable(suite = 'end-to-end test'): boolean {
  return skipReason(suite, [chromiumPrerequisite()]) === ''
}

/** Why the end-to-end tests on the shipped demo (pack and recording) cannot run here; '' when they can (never under CI=true: it fails instead). */
export function demoSkipReason(suite = 'end-to-end test on the demo'): string {
  return skipReason(suite, [
    chromiumPrerequisite(),
    repoFile(join('models', 'demo', 'model.json')),
    repoFile(join('resources', 'demo-recording', 'session.json')),
  ])
}

/** Which shipped demo files (pack, recording) are missing; '' when both are there. */
export function demoAssetsMissing(): string {
  const missing = [join('models', 'demo', 'model.json'), join('resources', 'demo-recording', 'session.json')].filter(
    (path) => !existsSync(join(repoRoot, path)),
  )
  return missing.length ? `missing ${missing.join(', ')}` : ''
}

/** A temporary DVE_HOME kept across console restarts; the caller removes it (its embedding cache is hundreds of MB). */
export function temporaryHome(view: string): string {
  return mkdtempSync(join(tmpdir(), `dve-e2e-${view}-`))
}

export async function startConsole(options: StartOptions = {}): Promise<ConsoleUnderTest> {
  ensureBuilt()
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'dve-e2e-'))
  const services = await createServices({ host: 'browser', version: 'e2e', paths: consolePaths(home, repoRoot) })
  const token = newToken()
  const host = await startBrowserHost({ services, staticRoot: join(repoRoot, 'out', 'renderer'), token })
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags })
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  // Shown beside a failing test's report: a first view that never appeared left no trace before.
  page.on('console', (message) => {
    // The browser's own favicon request is not the console's (it has no icon in browser mode).
    const url = message.location().url
    if (message.type() === 'error' && !url.endsWith('/favicon.ico'))
      console.warn(`[page console] ${message.text()} ${url}`)
  })
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? ''
    if (!why.includes('ERR_ABORTED')) console.warn(`[page request failed] ${request.url()} ${why}`)
  })
  await page.goto(host.url)
  await page.getByTestId('status-bar').waitFor()
  const origin = `http://127.0.0.1:${host.port}`
  return {
    page,
    context,
    browser,
    services,
    host,
    url: host.url,
    origin,
    token,
    home,
    async goto(viewPath: string) {
      await page.goto(`${origin}/#${viewPath}`)
    },
    async close() {
      await browser.close()
      await host.close()
      await services.dispose()
      if (!options.home) rmSync(home, { recursive: true, force: true })
      if (errors.length) throw new Error(`Uncaught errors in the page:\n${errors.join('\n')}`)
    },
  }
}

/** Fraction of pixels in a PNG screenshot region that are not (near) one colour: > 0 means "not blank". */
export async function nonBlankFraction(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate(async (element) => {
    const canvas = element instanceof HTMLCanvasElement ? element : element.querySelector('canvas')
    if (!canvas) return 0
    const copy = document.createElement('canvas')
    copy.width = canvas.width
    copy.height = canvas.height
    const ctx = copy.getContext('2d')
    if (!ctx) return 0
    ctx.drawImage(canvas, 0, 0)
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height)
    const r0 = data[0] ?? 0,
      g0 = data[1] ?? 0,
      b0 = data[2] ?? 0
    let different = 0
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs((data[i] ?? 0) - r0) + Math.abs((data[i + 1] ?? 0) - g0) + Math.abs((data[i + 2] ?? 0) - b0) > 24)
        different++
    }
    return different / (data.length / 4)
  })
}
