/**
 * Browser mode over real HTTP and WebSocket: the token cases (cookie per port, short tokens), the
 * Host-header check against DNS rebinding, and a client that never reads its socket.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { get as httpsGet } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { ConsoleError } from '../../src-main/contract'
import type { Services } from '../../src-main/services/create-services'
import { checkChosenToken, hostAllowed, newToken } from '../../src-main/server/auth'
import { startBrowserHost, type BrowserHost } from '../../src-main/server/browser-host'
import { selfSignedTls } from '../../src-main/server/tls-certificate'
import { playground, startServices } from './security-kit'

let services: Services | null = null
let hosts: BrowserHost[] = []
afterEach(async () => {
  for (const host of hosts) await host.close()
  hosts = []
  await services?.dispose()
  services = null
})

async function start(
  maxClientBacklogBytes?: number,
  tls?: { cert: string; key: string },
): Promise<{ host: BrowserHost; token: string; services: Services }> {
  const ground = await playground()
  services ??= await startServices(ground, 'browser')
  const staticRoot = join(ground.base, 'static')
  mkdirSync(staticRoot, { recursive: true })
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>')
  const token = newToken()
  const host = await startBrowserHost({ services, staticRoot, token, maxClientBacklogBytes, ...(tls ? { tls } : {}) })
  hosts.push(host)
  return { host, token, services }
}

describe('token hygiene', () => {
  it('names the cookie per port, so two consoles on one machine keep their own', async () => {
    const a = await start()
    const b = await start()
    const cookieA = (await fetch(`http://127.0.0.1:${a.host.port}/?token=${a.token}`)).headers.get('set-cookie') ?? ''
    const cookieB = (await fetch(`http://127.0.0.1:${b.host.port}/?token=${b.token}`)).headers.get('set-cookie') ?? ''
    expect(cookieA.split('=')[0]).toBe(`dve_token_${a.host.port}`)
    expect(cookieB.split('=')[0]).toBe(`dve_token_${b.host.port}`)
    // The browser sends both cookies to both ports; each console reads its own.
    const both = `${cookieA.split(';')[0]}; ${cookieB.split(';')[0]}`
    for (const { host } of [a, b])
      expect((await fetch(`http://127.0.0.1:${host.port}/index.html`, { headers: { cookie: both } })).status).toBe(200)
    // The old shared name is not accepted any more.
    expect(
      (await fetch(`http://127.0.0.1:${a.host.port}/index.html`, { headers: { cookie: `dve_token=${a.token}` } }))
        .status,
    ).toBe(401)
  })

  it('marks the cookie Secure when the server runs with TLS, and only then', async () => {
    const plain = await start()
    const plainCookie =
      (await fetch(`http://127.0.0.1:${plain.host.port}/?token=${plain.token}`)).headers.get('set-cookie') ?? ''
    expect(plainCookie).toContain('HttpOnly')
    expect(plainCookie).not.toMatch(/;\s*Secure/i)
    const tls = await selfSignedTls(mkdtempSync(join(tmpdir(), 'dve-tls-')), [])
    const secured = await start(undefined, tls)
    const securedCookie = await new Promise<string>((resolve, reject) => {
      // The self-signed certificate is trusted by name here (fetch offers no per-request CA).
      const req = httpsGet(
        `https://127.0.0.1:${secured.host.port}/?token=${secured.token}`,
        { ca: tls.cert },
        (res) => {
          res.resume()
          resolve(String(res.headers['set-cookie'] ?? ''))
        },
      )
      req.on('error', reject)
    })
    expect(securedCookie.split('=')[0]).toBe(`dve_token_${secured.host.port}`)
    expect(securedCookie).toMatch(/;\s*Secure(;|$)/)
  })

  it('refuses a chosen token shorter than 16 characters', () => {
    expect(() => checkChosenToken('short')).toThrow(ConsoleError)
    expect(() => checkChosenToken('short')).toThrow(/at least 16 characters/)
    expect(checkChosenToken('a-long-enough-token')).toBe('a-long-enough-token')
  })
})

describe('Host header (DNS rebinding)', () => {
  it('answers IP literals and localhost on its port, nothing else', async () => {
    const { host, token } = await start()
    const get = (hostHeader: string) =>
      new Promise<number>((resolve, reject) => {
        // fetch() will not let a test set Host; the http module does.
        void import('node:http').then(({ request }) => {
          const req = request(
            { host: '127.0.0.1', port: host.port, path: `/?token=${token}`, headers: { host: hostHeader } },
            (res) => {
              res.resume()
              resolve(res.statusCode ?? 0)
            },
          )
          req.on('error', reject)
          req.end()
        })
      })
    expect(await get(`127.0.0.1:${host.port}`)).toBe(200)
    expect(await get(`localhost:${host.port}`)).toBe(200)
    expect(await get(`evil.example:${host.port}`)).toBe(421)
    expect(await get(`127.0.0.1:${host.port + 1}`)).toBe(421)
    expect(hostAllowed(`robot.local:80`, 80, ['robot.local'])).toBe(true)
    expect(hostAllowed(`[::1]:8080`, 8080)).toBe(true)
    expect(hostAllowed(undefined, 8080)).toBe(false)
  })

  it('refuses a WebSocket upgrade under a foreign Host even with the token', async () => {
    const { host, token } = await start()
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`, {
        headers: { host: `evil.example:${host.port}` },
      })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(101))
      ws.on('error', () => undefined)
    })
    expect(code).toBe(401)
  })
})

describe('a client that never reads', () => {
  it('is disconnected once its backlog passes the limit, and the server keeps serving others', async () => {
    const { host, token, services: s } = await start(256 * 1024)
    const silent = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`)
    await new Promise((resolve) => silent.once('open', resolve))
    // Stop reading: the kernel buffers fill, then ws buffers on our side.
    ;(silent as unknown as { _socket: { pause(): void } })._socket.pause()
    expect(host.clientCount()).toBe(1)
    const line = 'x'.repeat(64 * 1024)
    const started = Date.now()
    while (host.clientCount() > 0 && Date.now() - started < 20_000) {
      for (let k = 0; k < 50; k++)
        s.events.emit('log', { level: 'info', source: 'test', message: line, time: Date.now() })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(host.clientCount()).toBe(0)
    expect((await fetch(`http://127.0.0.1:${host.port}/index.html?token=${token}`)).status).toBe(200)
    silent.terminate()
  })
})

describe('data requests', () => {
  it('tells the service when the client goes away, and which requests are background work', async () => {
    const { host, token, services: started } = await start()
    const seen: Array<{ background: boolean; aborted: Promise<void> }> = []
    started.data.register('test/slow/:name', (_params, _query, request) => {
      seen.push({
        background: request.background,
        aborted: new Promise((resolve) => request.signal.addEventListener('abort', () => resolve())),
      })
      return new Promise(() => {}) // never answers: only the client's abort ends it
    })
    const url = (name: string) => `http://127.0.0.1:${host.port}/data/test/slow/${name}?token=${token}`
    const client = new AbortController()
    const prefetch = fetch(url('prefetch'), { signal: client.signal, headers: { 'x-dve-priority': 'background' } })
    const seek = new AbortController()
    const foreground = fetch(url('seek'), { signal: seek.signal })
    await vi.waitFor(() => expect(seen).toHaveLength(2))
    expect(seen.map((s) => s.background).sort()).toEqual([false, true])
    client.abort()
    seek.abort()
    await expect(prefetch).rejects.toMatchObject({ name: 'AbortError' })
    await expect(foreground).rejects.toMatchObject({ name: 'AbortError' })
    // Both handlers see their signal abort (a hang here fails the test by its timeout).
    await Promise.all(seen.map((s) => s.aborted))
  })
})
