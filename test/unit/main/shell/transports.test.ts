/**
 * The contract round-trips through both transports on a real wire: the WebSocket transport against
 * the browser-mode host, and the IPC transport against the same dispatch the Electron host uses
 * (structured-cloned like ipcRenderer.invoke does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { ConsoleError, type ConsoleEvents, type EventMessage } from '../../../../src-main/contract'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { consolePaths } from '../../../../src-main/platform/paths'
import { dispatch } from '../../../../src-main/services/dispatch'
import { startBrowserHost, type BrowserHost } from '../../../../src-main/server/browser-host'
import { createApiClient, type ApiClient } from '../../../../src-renderer/src/api/client'
import { createWsTransport } from '../../../../src-renderer/src/api/ws-transport'
import { createIpcTransport } from '../../../../src-renderer/src/api/ipc-transport'

let home: string
let services: Services
let host: BrowserHost
let staticRoot: string
const token = 'test-token-123'

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'dve-transport-'))
  staticRoot = join(home, 'static')
  mkdirSync(staticRoot)
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>')
  services = await createServices({ host: 'test', version: '9.9.9', paths: consolePaths(home) })
  host = await startBrowserHost({ services, staticRoot, token })
})

afterAll(async () => {
  await host.close()
  await services.dispose()
  rmSync(home, { recursive: true, force: true })
})

function wsClient(withToken = true): ApiClient & { close(): void } {
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${host.port}/rpc${withToken ? `?token=${token}` : ''}`,
    httpOrigin: `http://127.0.0.1:${host.port}`,
    WebSocketImpl: WebSocket as unknown as new (url: string) => globalThis.WebSocket,
  })
  return Object.assign(createApiClient(transport), { close: () => transport.close() })
}

function ipcClient(): ApiClient {
  const listeners = new Set<(message: unknown) => void>()
  services.events.subscribe((name, payload) => {
    for (const listener of listeners) listener(structuredClone({ kind: 'event', name, payload }))
  })
  return createApiClient(
    createIpcTransport(
      {
        request: async (message) => structuredClone(await dispatch(services.api, structuredClone(message))),
        onEvent: (listener) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
      },
      'dve://app',
    ),
  )
}

describe.each([
  ['websocket', () => wsClient()],
  ['ipc', () => ipcClient()],
])('%s transport', (_name, makeClient) => {
  it('calls a method and gets its typed result', async () => {
    const client = makeClient()
    const info = await client.api.app.info()
    expect(info.version).toBe('9.9.9')
    expect(info.host).toBe('test')
  })

  it('carries a service error as a ConsoleError with its code and message', async () => {
    const client = makeClient()
    const error = await client.api.jobs.cancel({ id: 'nope' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).code).toBe('not_found')
    expect((error as ConsoleError).message).toContain('nope')
  })

  it('rejects input that does not match the contract schema', async () => {
    const client = makeClient()
    const badInput = { id: 42 } as unknown as { id: string }
    const error = await client.api.jobs.cancel(badInput).catch((e: unknown) => e)
    expect((error as ConsoleError).code).toBe('invalid_input')
    expect((error as ConsoleError).message).toContain('jobs.cancel')
  })

  it('delivers job events with progress to the renderer', async () => {
    const client = makeClient()
    const seen: Array<ConsoleEvents['job']> = []
    const stop = client.on('job', (job) => seen.push(job))
    await client.api.app.info() // make sure the socket is open before the job starts
    let release = () => {}
    const started = services.jobs.start('test', 'Test job', async (ctx) => {
      ctx.progress(1, 2, 'half')
      await new Promise<void>((resolve) => (release = resolve))
      ctx.progress(2, 2)
    })
    await expect.poll(() => seen.some((job) => job.id === started.id && job.done === 1)).toBe(true)
    release()
    await started.result
    await expect.poll(() => seen.find((job) => job.id === started.id && job.state === 'done')).toBeTruthy()
    stop()
  })
})

describe('browser host security', () => {
  it('refuses a socket without the token', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve('open'))
    })
    expect(status).toBe(401)
  })

  it('refuses a socket from another origin', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`, {
        headers: { Origin: 'http://evil.example' },
      })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve('open'))
    })
    expect(status).toBe(401)
  })

  it('answers a malformed message with a typed error instead of dropping the socket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const reply = await new Promise<EventMessage | { ok: boolean; error: { code: string } }>((resolve) => {
      ws.on('message', (raw) => resolve(JSON.parse(raw.toString())))
      ws.send('{not json')
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    ws.close()
  })

  it('closes sockets that send more than the payload limit', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    ws.on('error', () => undefined) // the client also sees the close as an error
    const code = await new Promise<number>((resolve) => {
      ws.on('close', (closeCode) => resolve(closeCode))
      ws.send('x'.repeat(2 * 1024 * 1024))
    })
    expect(code).toBe(1009)
  })

  it('serves static files only with the token and sets the cookie', async () => {
    expect((await fetch(`http://127.0.0.1:${host.port}/index.html`)).status).toBe(401)
    const ok = await fetch(`http://127.0.0.1:${host.port}/?token=${token}`)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('set-cookie')).toContain('HttpOnly')
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'")
    const withCookie = await fetch(`http://127.0.0.1:${host.port}/index.html`, {
      headers: { cookie: `dve_token_${host.port}=${token}` },
    })
    expect(withCookie.status).toBe(200)
  })
})
