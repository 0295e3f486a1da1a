/**
 * "Connect to a console server…" in the Electron host, against the fake `electron` and real HTTPS
 * console servers (`startBrowserHost` with self-signed certificates): URL checks, remembered servers
 * saved atomically with the token sealed (never in plain text, not kept without a keychain), trust on
 * first use, a changed certificate refused, and the remote window's session (HttpOnly cookie, pinned
 * verify proc, no preload).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConsoleServerReply, ConsoleServerRequest } from '../../../../src-main/contract'
import type { Services } from '../../../../src-main/services/create-services'
import { startBrowserHost, type BrowserHost } from '../../../../src-main/server/browser-host'
import { selfSignedTls, type TlsMaterial } from '../../../../src-main/server/tls-certificate'
import { decidePin, pinnedCertificateVerifier } from '../../../../src-main/electron/console-server/certificate-pin'
import {
  consoleServerChannel,
  registerConsoleServerHost,
} from '../../../../src-main/electron/console-server/console-server-host'
import { ConsoleServerStore } from '../../../../src-main/electron/console-server/server-store'
import { parseConsoleServerUrl } from '../../../../src-main/electron/console-server/server-url'
import { safeStorageVault } from '../../../../src-main/electron/console-server/token-vault'
import { fake } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

const token = 'a-console-token-of-32-characters'
const certificates: TlsMaterial[] = []
async function certificate(k: number): Promise<TlsMaterial> {
  while (certificates.length <= k) certificates.push(await selfSignedTls(mkdtempSync(join(tmpdir(), 'dve-cs-')), []))
  return certificates[k]!
}

const hosts: BrowserHost[] = []
async function consoleServer(tls: TlsMaterial | null, port = 0): Promise<BrowserHost> {
  const staticRoot = mkdtempSync(join(tmpdir(), 'dve-cs-static-'))
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>remote</title>')
  // Only HTTP is asked here; no socket is opened, so the services are never used.
  const host = await startBrowserHost({
    services: {} as Services,
    staticRoot,
    token,
    port,
    ...(tls ? { tls } : {}),
  })
  hosts.push(host)
  return host
}

beforeEach(() => {
  fake.reset()
  fake.emitReady()
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close()
})

describe('console server URL', () => {
  it('takes https:// (default port 443), a bare host:port, and the printed …/?token= URL', () => {
    expect(parseConsoleServerUrl('https://robot.local')).toMatchObject({
      origin: 'https://robot.local',
      port: 443,
      tls: true,
      cookieName: 'dve_token_443',
      token: null,
    })
    expect(parseConsoleServerUrl(' robot.local:8080 ')).toMatchObject({
      origin: 'https://robot.local:8080',
      port: 8080,
    })
    expect(parseConsoleServerUrl('https://192.168.1.20:8080/?token=abc')).toMatchObject({ token: 'abc' })
    expect(parseConsoleServerUrl('http://127.0.0.1:8080')).toMatchObject({ tls: false, cookieName: 'dve_token_8080' })
  })

  it('refuses plain HTTP to another machine, other schemes, user names, paths and other queries', () => {
    expect(() => parseConsoleServerUrl('http://robot.local:8080')).toThrow(/plain HTTP to another machine.*--tls/)
    expect(() => parseConsoleServerUrl('ws://robot:8765')).toThrow(/uses ws:; a console server is https/)
    expect(() => parseConsoleServerUrl('https://me:pw@robot:8080')).toThrow(/carries a user name/)
    expect(() => parseConsoleServerUrl('https://robot:8080/data/x')).toThrow(/has a path, query or fragment/)
    expect(() => parseConsoleServerUrl('https://robot:8080/?next=/x')).toThrow(/has a path, query or fragment/)
    expect(() => parseConsoleServerUrl('https://robot:99999')).toThrow(/is not a URL/)
  })
})

describe('certificate pinning', () => {
  const a = 'AA:'.repeat(31) + 'AA'
  const b = 'BB:'.repeat(31) + 'BB'
  const origin = 'https://robot:8080'

  it('asks on first use, accepts what was pasted or confirmed, refuses a changed certificate', () => {
    expect(decidePin({ origin, presented: a, pinned: null })).toEqual({ kind: 'confirm', fingerprint256: a })
    expect(decidePin({ origin, presented: a, pinned: null, pasted: a.replace(/:/g, '').toLowerCase() }).kind).toBe(
      'accept',
    )
    expect(decidePin({ origin, presented: a, pinned: null, trusted: a }).kind).toBe('accept')
    expect(decidePin({ origin, presented: a, pinned: a }).kind).toBe('accept')
    const changed = decidePin({ origin, presented: b, pinned: a, trusted: b })
    expect(changed).toMatchObject({ kind: 'refuse' })
    expect(changed.kind === 'refuse' && changed.message).toMatch(
      new RegExp(`certificate of ${origin} has changed: it was pinned as ${a} and is now ${b}`),
    )
    const pasted = decidePin({ origin, presented: b, pinned: null, pasted: a })
    expect(pasted.kind === 'refuse' && pasted.message).toMatch(/not the fingerprint you gave/)
  })

  it("the remote window's verify proc accepts only the pinned certificate on the server's host", async () => {
    const [mine, other] = [await certificate(0), await certificate(1)]
    const verify = pinnedCertificateVerifier('192.168.1.20', mine.fingerprint256)
    const answer = (hostname: string, pem: string): Promise<number> =>
      new Promise((resolve) => verify({ hostname, certificate: { data: pem } }, resolve))
    expect(await answer('192.168.1.20', mine.cert)).toBe(0)
    expect(await answer('192.168.1.20', other.cert)).toBe(-2)
    expect(await answer('evil.example', mine.cert)).toBe(-2)
    expect(await answer('192.168.1.20', 'not a certificate')).toBe(-2)
  })
})

describe('remembered servers', () => {
  const file = (): string => join(mkdtempSync(join(tmpdir(), 'dve-cs-store-')), 'console-servers.json')

  it('seals the token, saves atomically, and keeps one entry per server, newest first', async () => {
    const path = file()
    const store = new ConsoleServerStore(path, safeStorageVault)
    await Promise.all([
      store.remember('https://a:8080', 'AA', token),
      store.remember('https://b:8080', 'BB', `${token}-b`),
      store.remember('https://a:8080', 'AA', token),
    ])
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain(token)
    expect(JSON.parse(text).servers.map((s: { origin: string }) => s.origin)).toEqual([
      'https://a:8080',
      'https://b:8080',
    ])
    expect(readdirSync(join(path, '..'))).toEqual(['console-servers.json'])
    expect(await store.token('https://b:8080')).toBe(`${token}-b`)
    expect(await store.list()).toMatchObject([{ origin: 'https://a:8080', tokenSaved: true, fingerprint256: 'AA' }, {}])
    await store.forget('https://a:8080')
    expect((await store.list()).map((s) => s.origin)).toEqual(['https://b:8080'])
  })

  it('keeps no token where there is no keychain (none, or Linux basic_text) — the pin is still kept', async () => {
    for (const encryption of [
      { available: false, backend: 'unknown' },
      { available: true, backend: 'basic_text' },
    ]) {
      fake.encryption = encryption
      const store = new ConsoleServerStore(file(), safeStorageVault)
      if (encryption.backend === 'basic_text' && process.platform !== 'linux') continue
      expect(store.tokensKept()).toBe(false)
      await store.remember('https://a:8080', 'AA', token)
      expect(readFileSync(store.path, 'utf8')).not.toContain(token)
      expect(await store.list()).toMatchObject([{ tokenSaved: false, fingerprint256: 'AA' }])
      expect(await store.token('https://a:8080')).toBeNull()
    }
  })

  it('names the file when it is damaged', async () => {
    const path = file()
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, '{"version": 1, "servers": [{"origin": 3}]}')
    await expect(new ConsoleServerStore(path, safeStorageVault).list()).rejects.toThrow(
      `${path}: the remembered console servers cannot be read (unexpected fields); remove the file to start over.`,
    )
  })
})

describe('connecting through the host', () => {
  const trusted = { id: 'local window' }
  let focused = 0

  function host(storePath = join(mkdtempSync(join(tmpdir(), 'dve-cs-home-')), 'console-servers.json')) {
    const store = new ConsoleServerStore(storePath, safeStorageVault)
    const dispose = registerConsoleServerHost({
      store,
      isTrustedSender: (sender) => sender === (trusted as unknown),
      focusLocal: () => focused++,
    })
    const handler = fake.ipcHandlers.get(consoleServerChannel)!
    const ask = (request: ConsoleServerRequest, sender: unknown = trusted): Promise<ConsoleServerReply> =>
      handler({ sender }, request) as Promise<ConsoleServerReply>
    return { store, ask, dispose }
  }

  it(
    'trusts on first use, opens the remote window with the token only in an HttpOnly cookie, and disconnects',
    {
      timeout: 30_000,
    },
    async () => {
      const tls = await certificate(0)
      const server = await consoleServer(tls)
      const url = `https://127.0.0.1:${server.port}`
      const { store, ask, dispose } = host()
      try {
        const first = await ask({ op: 'connect', url, token })
        expect(first).toEqual({ kind: 'confirm-fingerprint', origin: url, fingerprint256: tls.fingerprint256 })
        expect(fake.windows).toHaveLength(0)
        const connected = await ask({ op: 'connect', url, token, trustFingerprint: tls.fingerprint256 })
        expect(connected).toMatchObject({
          kind: 'connected',
          server: { origin: url, fingerprint256: tls.fingerprint256, tokenSaved: true },
        })
        const window = fake.windows[0]!
        expect(window.loadedUrl).toBe(`${url}/`)
        const preferences = window.options.webPreferences!
        expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
        expect(preferences.preload).toBeUndefined()
        const remote = [...fake.partitions.values()][0]!
        expect(remote.partition).not.toMatch(/^persist:/)
        expect(remote.cookieJar).toEqual([
          {
            url,
            name: `dve_token_${server.port}`,
            value: token,
            path: '/',
            httpOnly: true,
            secure: true,
            sameSite: 'strict',
          },
        ])
        const verdict = (pem: string) =>
          new Promise<number>((resolve) =>
            remote.verifyProc!({ hostname: '127.0.0.1', certificate: { data: pem } }, resolve),
          )
        expect(await verdict(tls.cert)).toBe(0)
        expect(await verdict((await certificate(1)).cert)).toBe(-2)
        // Navigation stays on the server's origin.
        expect(window.webContents.tryNavigate('will-navigate', `${url}/#/map`)).toBe(true)
        expect(window.webContents.tryNavigate('will-navigate', 'https://evil.example/')).toBe(false)
        expect(readFileSync(store.path, 'utf8')).not.toContain(token)
        expect(await ask({ op: 'list' })).toMatchObject({ kind: 'servers', connected: url, tokenStorage: 'encrypted' })

        const before = focused
        expect(await ask({ op: 'disconnect' })).toMatchObject({ kind: 'servers', connected: null })
        expect(window.isDestroyed()).toBe(true)
        expect(focused).toBe(before + 1)

        // Remembered: no token typed, no question asked.
        expect(await ask({ op: 'connect', url })).toMatchObject({ kind: 'connected' })
        expect(fake.windows).toHaveLength(2)
      } finally {
        dispose()
      }
    },
  )

  it(
    'refuses a changed certificate, a wrong pasted fingerprint, a wrong token, and other senders',
    {
      timeout: 30_000,
    },
    async () => {
      const [first, second] = [await certificate(0), await certificate(1)]
      let server = await consoleServer(first)
      const port = server.port
      const url = `https://127.0.0.1:${port}`
      const { ask, dispose } = host()
      try {
        expect(await ask({ op: 'connect', url, token, fingerprint: first.fingerprint256 })).toMatchObject({
          kind: 'connected',
        })
        expect(await ask({ op: 'connect', url, token: 'not-the-token-of-this-server' })).toEqual({
          kind: 'refused',
          message: `${url}: the token is not this server's (HTTP 401); copy it from what \`dve serve\` printed.`,
        })
        // The server comes back with another certificate on the same address.
        await server.close()
        hosts.splice(hosts.indexOf(server), 1)
        server = await consoleServer(second, port)
        const changed = await ask({ op: 'connect', url, trustFingerprint: second.fingerprint256 })
        expect(changed.kind).toBe('refused')
        expect(changed.kind === 'refused' && changed.message).toContain(
          `has changed: it was pinned as ${first.fingerprint256} and is now ${second.fingerprint256}`,
        )
        expect(fake.windows.filter((w) => !w.isDestroyed())).toHaveLength(1)

        const elsewhere = await consoleServer(second)
        const wrongPaste = await ask({
          op: 'connect',
          url: `https://127.0.0.1:${elsewhere.port}`,
          token,
          fingerprint: first.fingerprint256,
        })
        expect(wrongPaste.kind === 'refused' && wrongPaste.message).toMatch(/not the fingerprint you gave/)
        expect(await ask({ op: 'list' }, { id: 'remote page' })).toEqual({
          kind: 'refused',
          message: 'Untrusted sender.',
        })
        expect(await ask({ op: 'connect', url: 'http://robot:8080', token })).toMatchObject({
          kind: 'refused',
          message: expect.stringMatching(/plain HTTP to another machine/),
        })
      } finally {
        dispose()
      }
    },
  )

  it(
    'opens a console on this machine over plain HTTP: no pin, no Secure cookie, the printed URL pasted whole',
    {
      timeout: 30_000,
    },
    async () => {
      const local = await consoleServer(null)
      const { ask, dispose } = host()
      try {
        const url = `http://127.0.0.1:${local.port}`
        expect(await ask({ op: 'connect', url: `${url}/?token=${token}` })).toMatchObject({
          kind: 'connected',
          server: { origin: url, fingerprint256: null, tokenSaved: true },
        })
        const remote = [...fake.partitions.values()][0]!
        expect(remote.verifyProc).toBeNull()
        expect(remote.cookieJar).toMatchObject([{ url, value: token, httpOnly: true, secure: false }])
        expect(fake.windows[0]!.loadedUrl).toBe(`${url}/`)
      } finally {
        dispose()
      }
    },
  )

  it('says clearly when nothing answers and when the server does not speak TLS', { timeout: 30_000 }, async () => {
    const plain = await consoleServer(null)
    const { ask, dispose } = host()
    try {
      const noTls = await ask({ op: 'connect', url: `https://127.0.0.1:${plain.port}`, token })
      expect(noTls.kind === 'refused' && noTls.message).toMatch(/does not speak TLS.*dve serve --tls/)
      const port = plain.port
      await plain.close()
      hosts.splice(hosts.indexOf(plain), 1)
      const nothing = await ask({ op: 'connect', url: `https://127.0.0.1:${port}`, token })
      expect(nothing.kind === 'refused' && nothing.message).toMatch(/nothing answers there \(connection refused\)/)
    } finally {
      dispose()
    }
  })
})
