/**
 * A fake `electron` module for host tests without the binary (vi.mock('electron')). It records calls
 * and enforces what Electron documents: schemes are registered once and before `ready`; handlers,
 * windows and utility processes only after it; `protocol.handle` handlers return `Response`s;
 * `contextBridge` exposes exactly what the preload names.
 */
import { EventEmitter } from 'node:events'

export type Call = [name: string, ...args: unknown[]]

interface NavigationEvent {
  defaultPrevented: boolean
  preventDefault(): void
}

function navigationEvent(): NavigationEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

export class FakeWebContents extends EventEmitter {
  sent: Array<[string, unknown]> = []
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  isDestroyed(): boolean {
    return false
  }
  /** What Electron does when the page tries to navigate: emit, then navigate unless prevented. */
  tryNavigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const e = navigationEvent()
    this.emit(event, e, url)
    return !e.defaultPrevented
  }
}

export const fake = {
  calls: [] as Call[],
  ready: false,
  readyListeners: [] as Array<() => void>,
  singleInstance: true,
  schemesRegistered: false,
  handlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  ipcHandlers: new Map<string, (event: { sender: unknown }, ...args: unknown[]) => unknown>(),
  exposed: new Map<string, unknown>(),
  windows: [] as FakeBrowserWindow[],
  partitions: new Map<string, FakeSession>(),
  /** safeStorage: whether the keychain can encrypt, and the Linux backend it reports. */
  encryption: { available: true, backend: 'gnome_libsecret' as string },
  utilityProcesses: [] as FakeUtilityProcess[],
  appEvents: new EventEmitter(),
  record(name: string, ...args: unknown[]): void {
    this.calls.push([name, ...args])
  },
  /** Fires `ready` as Electron does once it has initialised. */
  emitReady(): void {
    this.ready = true
    this.record('ready')
    for (const listener of this.readyListeners.splice(0)) listener()
  },
  reset(): void {
    this.calls = []
    this.ready = false
    this.readyListeners = []
    this.singleInstance = true
    this.schemesRegistered = false
    this.handlers.clear()
    this.ipcHandlers.clear()
    this.exposed.clear()
    this.windows = []
    this.partitions.clear()
    this.encryption = { available: true, backend: 'gnome_libsecret' }
    this.utilityProcesses = []
    this.appEvents.removeAllListeners()
  },
}

function requireReady(what: string): void {
  if (!fake.ready) throw new Error(`${what} cannot be used before the app is ready.`)
}

export const app = {
  whenReady: (): Promise<void> =>
    fake.ready ? Promise.resolve() : new Promise<void>((resolve) => fake.readyListeners.push(resolve)),
  requestSingleInstanceLock: (): boolean => {
    fake.record('requestSingleInstanceLock')
    return fake.singleInstance
  },
  on: (event: string, listener: (...args: unknown[]) => void) => {
    fake.appEvents.on(event, listener)
    return app
  },
  quit: (): void => {
    fake.record('quit')
    const event = navigationEvent()
    fake.appEvents.emit('before-quit', event)
    if (!event.defaultPrevented) fake.record('quit-done')
  },
  exit: (code: number): void => fake.record('exit', code),
}

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]): void => {
    // Electron: only before ready, and only once (a second call replaces the first).
    if (fake.ready) throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready.')
    if (fake.schemesRegistered) throw new Error('protocol.registerSchemesAsPrivileged may be called only once.')
    fake.schemesRegistered = true
    fake.record('registerSchemesAsPrivileged', schemes)
  },
  handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>): void => {
    requireReady('protocol.handle')
    fake.record('protocol.handle', scheme)
    fake.handlers.set(scheme, handler)
  },
}

export interface FakeCookie {
  url: string
  name: string
  value: string
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
  path?: string
}

/** A partition's session: what the host set on it (verify proc, permission handler, cookies). */
export class FakeSession {
  cookieJar: FakeCookie[] = []
  verifyProc: ((request: unknown, callback: (result: number) => void) => void) | null = null
  permissionHandler: unknown = null
  constructor(readonly partition: string) {}
  setPermissionRequestHandler(handler: unknown): void {
    this.permissionHandler = handler
  }
  setCertificateVerifyProc(proc: ((request: unknown, callback: (result: number) => void) => void) | null): void {
    this.verifyProc = proc
  }
  readonly cookies = {
    set: async (cookie: FakeCookie): Promise<void> => {
      requireReady('session.cookies')
      this.cookieJar.push(cookie)
    },
  }
}

export const session = {
  fromPartition: (partition: string): FakeSession => {
    requireReady('session.fromPartition')
    let found = fake.partitions.get(partition)
    if (!found) fake.partitions.set(partition, (found = new FakeSession(partition)))
    return found
  },
  defaultSession: {
    setPermissionRequestHandler: (
      handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
    ) => {
      fake.record('setPermissionRequestHandler', handler)
    },
  },
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents()
  loadedUrl: string | null = null
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super()
    requireReady('BrowserWindow')
    fake.windows.push(this)
    fake.record('BrowserWindow', options)
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
  }
  async loadFile(path: string): Promise<void> {
    this.loadedUrl = `file://${path}`
  }
  destroyed = false
  close(): void {
    if (this.destroyed) return
    this.destroyed = true
    fake.record('close', this.loadedUrl)
    this.emit('closed')
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  show(): void {}
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {
    fake.record('focus')
  }
}
export const BrowserWindow = FakeBrowserWindow

export const ipcMain = {
  handle: (channel: string, handler: (event: { sender: unknown }, ...args: unknown[]) => unknown) => {
    if (fake.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    fake.ipcHandlers.set(channel, handler)
  },
  removeHandler: (channel: string) => fake.ipcHandlers.delete(channel),
}

export const ipcRenderer = {
  invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => {
    fake.record('ipcRenderer.invoke', channel, ...args)
    return { channel, args }
  },
  on: (channel: string, listener: unknown) => fake.record('ipcRenderer.on', channel, listener),
  removeListener: (channel: string, listener: unknown) => fake.record('ipcRenderer.removeListener', channel, listener),
}

export const contextBridge = {
  exposeInMainWorld: (key: string, api: unknown) => {
    // Electron copies the object across worlds; only its own properties reach the page.
    if (fake.exposed.has(key))
      throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`)
    fake.exposed.set(key, api)
  },
}

export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] as string[] }),
  showErrorBox: (title: string, content: string) => fake.record('showErrorBox', title, content),
}

/** Reversible "encryption" that never leaves the token's bytes readable in the sealed form. */
export const safeStorage = {
  isEncryptionAvailable: (): boolean => fake.encryption.available,
  getSelectedStorageBackend: (): string => fake.encryption.backend,
  encryptString: (text: string): Buffer => {
    if (!fake.encryption.available) throw new Error('Encryption is not available.')
    return Buffer.from([...Buffer.from(`sealed:${text}`)].map((b) => b ^ 0x5a))
  },
  decryptString: (sealed: Buffer): string => {
    const text = Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString()
    if (!text.startsWith('sealed:'))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
    return text.slice('sealed:'.length)
  },
}

export const shell = {
  openExternal: async (url: string) => fake.record('openExternal', url),
}

export class FakeUtilityProcess extends EventEmitter {
  posted: unknown[] = []
  killed = false
  constructor(
    readonly modulePath: string,
    readonly options: Record<string, unknown>,
  ) {
    super()
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  kill(): boolean {
    this.killed = true
    this.emit('exit', 15)
    return true
  }
}

export const utilityProcess = {
  fork: (modulePath: string, _args: string[], options: Record<string, unknown>) => {
    requireReady('utilityProcess.fork')
    const child = new FakeUtilityProcess(modulePath, options)
    fake.utilityProcesses.push(child)
    return child
  },
}

export default {
  app,
  protocol,
  session,
  BrowserWindow,
  ipcMain,
  ipcRenderer,
  contextBridge,
  dialog,
  shell,
  safeStorage,
  utilityProcess,
}
