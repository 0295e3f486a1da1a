/**
 * The console in Chromium the way the Electron app serves it: the page and the data plane come from
 * one origin through the app scheme's own handler (createAppRequestHandler, with its CSP header; the
 * built index.html carries the `<meta>` too), and requests go through a `dveBridge` like the preload's
 * into the same dispatch the IPC host uses. Chromium cannot load `dve://`, so the origin here is
 * `https://app.dve.test`, routed into the handler by Playwright.
 * `dataOrigin: 'other'` moves the data plane to another origin (what the first Electron build did).
 */
import { chromium, type Browser, type Page } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataPrefix } from '../../src-main/contract'
import { createAppRequestHandler } from '../../src-main/electron/app-request-handler'
import { contentSecurityPolicy } from '../../src-main/platform/content-security'
import { consolePaths } from '../../src-main/platform/paths'
import { createServices, type Services } from '../../src-main/services/create-services'
import { dispatch } from '../../src-main/services/dispatch'
import { chromiumFlags, chromiumPath, ensureBuilt, repoRoot } from './harness'

export const appOrigin = 'https://app.dve.test'
const otherOrigin = 'https://data.dve.test'

export interface AppSchemeConsole {
  page: Page
  services: Services
  /** Console errors and failed requests seen by the page. */
  problems: string[]
  close(): Promise<void>
}

export async function startAppSchemeConsole(options: { dataOrigin: 'same' | 'other' }): Promise<AppSchemeConsole> {
  ensureBuilt()
  const home = mkdtempSync(join(tmpdir(), 'dve-e2e-scheme-'))
  const services = await createServices({ host: 'electron', version: 'e2e', paths: consolePaths(home, repoRoot) })
  const handle = createAppRequestHandler({
    rendererRoot: join(repoRoot, 'out', 'renderer'),
    data: services.data,
    contentSecurityPolicy: contentSecurityPolicy(),
  })
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })

  const serve = (origin: string) =>
    context.route(`${origin}/**`, async (route) => {
      const request = route.request()
      const url = new URL(request.url())
      if (options.dataOrigin === 'other' && origin === appOrigin && url.pathname.startsWith(dataPrefix)) {
        await route.fulfill({ status: 307, headers: { Location: `${otherOrigin}${url.pathname}${url.search}` } })
        return
      }
      const response = await handle(
        new Request(`dve://app${url.pathname}${url.search}`, { method: request.method(), headers: request.headers() }),
      )
      await route.fulfill({
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: Buffer.from(await response.arrayBuffer()),
      })
    })
  await serve(appOrigin)
  await serve(otherOrigin)

  // The preload's bridge: request, pickPath, onEvent over "IPC" into the host's dispatch.
  await context.exposeBinding('__dveInvoke', async (_source, channel: string, message: unknown) =>
    channel === 'dve:request' ? dispatch(services.api, message) : null,
  )
  await context.addInitScript(() => {
    const listeners = new Set<(message: unknown) => void>()
    const invoke = (window as unknown as { __dveInvoke: (channel: string, message: unknown) => Promise<unknown> })
      .__dveInvoke
    Object.assign(window, {
      dveBridge: {
        request: (message: unknown) => invoke('dve:request', message),
        pickPath: (kind: unknown) => invoke('dve:pick-path', kind),
        onEvent: (listener: (message: unknown) => void) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
      },
      __dveEmit: (message: unknown) => listeners.forEach((listener) => listener(message)),
    })
  })

  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`))
  const unsubscribe = services.events.subscribe((name, payload) => {
    void page
      .evaluate((message) => (window as unknown as { __dveEmit?: (m: unknown) => void }).__dveEmit?.(message), {
        kind: 'event',
        name,
        payload,
      })
      .catch(() => undefined)
  })

  await page.goto(`${appOrigin}/index.html`)
  await page.getByTestId('status-bar').waitFor()
  return {
    page,
    services,
    problems,
    close: async () => {
      unsubscribe()
      await browser.close()
      await services.dispose()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
