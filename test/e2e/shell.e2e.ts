import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { chromiumAvailable, startConsole, type ConsoleUnderTest } from './harness'

describe.skipIf(!chromiumAvailable())('console shell in browser mode', () => {
  let app: ConsoleUnderTest

  beforeAll(async () => {
    app = await startConsole()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('navigates every view and shows the status bar', async () => {
    const views = ['library', 'player', 'segmentation', 'classes', 'ask', 'map', 'models']
    for (const view of views) {
      await app.page.getByTestId(`nav-${view}`).click()
      await app.page.getByTestId(`view-${view}`).waitFor()
      expect(app.page.url()).toContain(`#/${view}`)
    }
    await expect.poll(() => app.page.getByTestId('status-connection').textContent()).toContain('Connected')
    expect(await app.page.getByTestId('status-model').textContent()).toMatch(/^Model: /)
    await app.page.screenshot({ path: '/tmp/dve-shell.png' })
  })

  it('opens the jobs panel from the status bar', async () => {
    await app.page.getByTestId('status-jobs').click()
    await app.page.getByTestId('jobs-panel').waitFor()
    await app.page.getByTestId('status-jobs').click()
    expect(await app.page.getByTestId('jobs-panel').count()).toBe(0)
  })

  it('refuses requests without the token', async () => {
    const response = await fetch(`${app.origin}/`)
    expect(response.status).toBe(401)
    const data = await fetch(`${app.origin}/data/sessions/x/thumbnail`)
    expect(data.status).toBe(401)
  })

  it('refuses a socket without the token', async () => {
    const { WebSocket } = await import('ws')
    const code = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`${app.origin.replace('http', 'ws')}/rpc`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve('open'))
      ws.on('error', () => resolve('error'))
    })
    expect(code).toBe(401)
  })

  it('refuses ../ paths even with the token', async () => {
    expect(await rawGetStatus(app.host.port, `/../../package.json?token=${app.token}`)).toBe(400)
    expect(await rawGetStatus(app.host.port, `/%2e%2e/%2e%2e/package.json?token=${app.token}`)).toBe(400)
    expect(await rawGetStatus(app.host.port, `/assets/..%2f..%2fpackage.json?token=${app.token}`)).toBe(400)
  })
})

/** A GET with the path sent exactly as given (fetch would normalise `..` away). */
function rawGetStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}
