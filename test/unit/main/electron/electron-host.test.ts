/**
 * The Electron main process, IPC host and window against a fake `electron` (no binary needed): the
 * scheme is registered once before ready with the exact privileges, UI and data come from one origin,
 * only contract methods cross IPC, navigation and new windows are refused, and quitting waits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConsoleApi, ResponseMessage } from '../../../../src-main/contract'
import { contentSecurityPolicy } from '../../../../src-main/platform/content-security'
import type { Services, ServicesConfig } from '../../../../src-main/services/create-services'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { startElectronApp } from '../../../../src-main/electron/electron-app'
import { launchUtilityProcess } from '../../../../src-main/electron/utility-process'
import { app, fake, type FakeBrowserWindow } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

const outDir = mkdtempSync(join(tmpdir(), 'dve-electron-host-'))
mkdirSync(join(outDir, 'renderer', 'assets'), { recursive: true })
writeFileSync(
  join(outDir, 'renderer', 'index.html'),
  '<!doctype html><title>DVE</title><script type="module" src="./assets/app.js"></script>',
)
writeFileSync(join(outDir, 'renderer', 'assets', 'app.js'), 'console.log(1)')
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

interface Started {
  window: FakeBrowserWindow
  config: ServicesConfig
  disposed: () => boolean
  releaseDispose: () => void
}

async function start(): Promise<Started> {
  let config: ServicesConfig | null = null
  let disposed = false
  let releaseDispose = () => undefined as void
  const data = new DataRouter()
  data.register('sessions/:sessionId/thumbnail', async (params) => ({
    body: new TextEncoder().encode(`jpeg of ${params.sessionId}`),
    contentType: 'image/jpeg',
  }))
  const api = { app: { info: async () => ({ name: 'DVE Console', host: 'electron' }) } } as unknown as ConsoleApi
  const services = {
    api,
    data,
    events: new EventBus(),
    paths: { home: outDir },
    dispose: () =>
      new Promise<void>((resolve) => {
        releaseDispose = () => {
          disposed = true
          resolve()
        }
      }),
  } as unknown as Services
  const electronApp = startElectronApp({
    outDir,
    version: '1.0.0',
    createServices: async (c) => ((config = c), services),
  })
  fake.emitReady()
  await electronApp.started
  const window = fake.windows[0]
  if (!window || !config) throw new Error('the app did not open a window')
  const failed = fake.calls.find(([name]) => name === 'showErrorBox')
  if (failed) throw new Error(`the app failed to start: ${String(failed[2])}`)
  return { window, config, disposed: () => disposed, releaseDispose: () => releaseDispose() }
}

const handler = (scheme = 'dve') => {
  const found = fake.handlers.get(scheme)
  if (!found) throw new Error(`no handler for ${scheme}:`)
  return found
}

beforeEach(() => fake.reset())

describe('Electron main process', () => {
  it('registers the app scheme once, before ready, with the exact privileges; handles it after ready', async () => {
    await start()
    const names = fake.calls.map(([name]) => name)
    expect(names.filter((n) => n === 'registerSchemesAsPrivileged')).toHaveLength(1)
    expect(names.indexOf('registerSchemesAsPrivileged')).toBeLessThan(names.indexOf('ready'))
    expect(names.indexOf('protocol.handle')).toBeGreaterThan(names.indexOf('ready'))
    expect(fake.calls.find(([name]) => name === 'registerSchemesAsPrivileged')?.[1]).toEqual([
      {
        scheme: 'dve',
        privileges: {
          standard: true,
          secure: true,
          supportFetchAPI: true,
          corsEnabled: true,
          stream: true,
          codeCache: true,
        },
      },
    ])
    expect([...fake.handlers.keys()]).toEqual(['dve'])
  })

  it('loads the page and the data plane from one origin, dve://app, with the CSP header', async () => {
    const { window } = await start()
    expect(window.loadedUrl).toBe('dve://app/index.html')
    const page = await handler()(new Request('dve://app/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    const script = await handler()(new Request('dve://app/assets/app.js'))
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const thumbnail = await handler()(new Request('dve://app/data/sessions/s1/thumbnail'))
    expect(thumbnail.status).toBe(200)
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg')
    expect(await thumbnail.text()).toBe('jpeg of s1')
    // The renderer's data URLs are `${location.origin}/data/...`: the same scheme and host as the page.
    const origin = (url: string) => `${new URL(url).protocol}//${new URL(url).host}`
    expect(origin(window.loadedUrl ?? '')).toBe('dve://app')
    expect(origin('dve://app/data/sessions/s1/thumbnail')).toBe(origin(window.loadedUrl ?? ''))
  })

  it('locks the window down: isolated, sandboxed, no Node, no navigation, no new windows, no permissions', async () => {
    const { window } = await start()
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(String(window.options.webPreferences?.preload)).toBe(join(outDir, 'preload', 'index.cjs'))
    expect(window.webContents.tryNavigate('will-navigate', 'https://example.com/')).toBe(false)
    expect(window.webContents.tryNavigate('will-navigate', 'dve://app/other.html')).toBe(false)
    expect(window.webContents.tryNavigate('will-redirect', 'file:///etc/passwd')).toBe(false)
    expect(window.webContents.windowOpenHandler?.({ url: 'https://github.com/TUI-NICR/DVEFormer' })).toEqual({
      action: 'deny',
    })
    expect(window.webContents.windowOpenHandler?.({ url: 'dve://app/index.html' })).toEqual({ action: 'deny' })
    expect(window.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(fake.calls.filter(([name]) => name === 'openExternal').map(([, url]) => url)).toEqual([
      'https://github.com/TUI-NICR/DVEFormer',
    ])
    const permission = fake.calls.find(([name]) => name === 'setPermissionRequestHandler')?.[1] as (
      w: unknown,
      p: string,
      cb: (granted: boolean) => void,
    ) => void
    const answers: boolean[] = []
    permission(null, 'media', (granted) => answers.push(granted))
    expect(answers).toEqual([false])
  })

  it('lets only contract methods from the window cross IPC', async () => {
    const { window } = await start()
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(['dve:console-server', 'dve:pick-path', 'dve:request'])
    const consoleServer = fake.ipcHandlers.get('dve:console-server')!
    expect(await consoleServer({ sender: window.webContents }, { op: 'list' })).toMatchObject({
      kind: 'servers',
      servers: [],
      connected: null,
    })
    expect(await consoleServer({ sender: { id: 'another webContents' } }, { op: 'list' })).toMatchObject({
      kind: 'refused',
    })
    const request = fake.ipcHandlers.get('dve:request')
    if (!request) throw new Error('no request handler')
    const call = (sender: unknown, message: unknown) => request({ sender }, message) as Promise<ResponseMessage>
    const ok = await call(window.webContents, { kind: 'request', id: 1, service: 'app', method: 'info' })
    expect(ok).toMatchObject({ id: 1, ok: true, result: { host: 'electron' } })
    const unknown = await call(window.webContents, {
      kind: 'request',
      id: 2,
      service: 'fs',
      method: 'readFile',
      input: { path: '/etc/passwd' },
    })
    expect(unknown).toMatchObject({ id: 2, ok: false, error: { code: 'not_found', message: 'Unknown service "fs".' } })
    const proto = await call(window.webContents, { kind: 'request', id: 3, service: 'app', method: 'constructor' })
    expect(proto).toMatchObject({ id: 3, ok: false, error: { code: 'not_found' } })
    const stranger = await call(
      { id: 'another webContents' },
      { kind: 'request', id: 4, service: 'app', method: 'info' },
    )
    expect(stranger).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Untrusted sender.' } })
  })

  it('runs native work in a utilityProcess named for it', async () => {
    const { config } = await start()
    expect(config.launchNative).toBe(launchUtilityProcess)
    const native = launchUtilityProcess({ path: join(outDir, 'inference-worker.js'), typescript: false })
    const child = fake.utilityProcesses[0]
    expect(child?.modulePath).toBe(join(outDir, 'inference-worker.js'))
    expect(child?.options).toMatchObject({ serviceName: 'dve-native-work' })
    const received: unknown[] = []
    const exits: string[] = []
    native.onMessage((message) => received.push(message))
    native.onExit((reason) => exits.push(reason))
    native.postMessage({ kind: 'unload', seq: 1, sessionKey: 'x' })
    child?.emit('message', { kind: 'done', seq: 1 })
    native.kill()
    native.postMessage({ kind: 'unload', seq: 2, sessionKey: 'x' })
    expect(child?.posted).toEqual([{ kind: 'unload', seq: 1, sessionKey: 'x' }])
    expect(received).toEqual([{ kind: 'done', seq: 1 }])
    expect(exits).toEqual(['exit code 15'])
  })

  it('holds quitting until the services have stopped their jobs and written their files', async () => {
    const started = await start()
    app.quit()
    expect(fake.calls.filter(([name]) => name === 'quit-done')).toHaveLength(0)
    started.releaseDispose()
    await vi.waitFor(() => expect(fake.calls.filter(([name]) => name === 'quit-done')).toHaveLength(1))
    expect(started.disposed()).toBe(true)
  })

  it('a second instance focuses the first and quits without opening a window', async () => {
    await start()
    fake.appEvents.emit('second-instance')
    expect(fake.calls.some(([name]) => name === 'focus')).toBe(true)
    fake.reset()
    fake.singleInstance = false
    startElectronApp({
      outDir,
      version: '1',
      createServices: async () => {
        throw new Error('must not start services')
      },
    })
    fake.emitReady()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fake.calls.map(([name]) => name)).toEqual([
      'registerSchemesAsPrivileged',
      'requestSingleInstanceLock',
      'quit',
      'quit-done',
      'ready',
    ])
    expect(fake.windows).toHaveLength(0)
  })
})
