/**
 * The native-work process: every onnxruntime session lives in one process apart from the host, so a
 * native crash costs a restart, not the app. In plain Node it is a `child_process.fork` with V8
 * serialization (typed arrays cross intact) and, off Windows, two pipes for large arrays beside it
 * (piped-arrays.ts); the Electron host passes a launcher built on `utilityProcess` instead
 * (src-main/electron/utility-process.ts). Both look like this to the client.
 */
import { fork } from 'node:child_process'
import { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PipedReceiver, pipedSender } from './piped-arrays'

export interface NativeProcess {
  /**
   * Sends a copy of the message (structured clone). Large typed arrays may be streamed from the
   * sender's memory after the call: do not change them once posted.
   */
  postMessage(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once when the process is gone, with why (exit code or signal). */
  onExit(listener: (reason: string) => void): void
  /** Stops the process (SIGTERM); a no-op when it has exited. */
  kill(): void
  /** Whether an idle process may let the host exit (the CLI exits when no work is pending). */
  setKeepsHostAlive(alive: boolean): void
}

/** Starts the entry module, `<name>.js` in a build or `<name>.ts` from source. */
export type NativeProcessLauncher = (entry: NativeEntry) => NativeProcess

export interface NativeEntry {
  path: string
  /** From source: the module is TypeScript and needs the tsx loader. */
  typescript: boolean
}

/** `fromUrl` is the caller's `import.meta.url`; the entry sits beside it (built or source). */
export function nativeEntry(fromUrl: string, name: string): NativeEntry {
  const dir = dirname(fileURLToPath(fromUrl))
  const built = join(dir, `${name}.js`)
  return existsSync(built) ? { path: built, typescript: false } : { path: join(dir, `${name}.ts`), typescript: true }
}

/** Where the child finds the large-array pipes (stdio numbers, to the child and from it). */
const pipesVariable = 'DVE_ARRAY_PIPES'
const arrayPipes = [4, 5] as const
/** Named pipes on Windows are not sockets `net.Socket({ fd })` can open; there, IPC carries everything. */
const usePipes = process.platform !== 'win32'

/** The plain-Node launcher: a child process with an IPC channel. */
export function forkNativeProcess(entry: NativeEntry): NativeProcess {
  const tsx = entry.typescript ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []
  const child = fork(entry.path, [], {
    serialization: 'advanced',
    execArgv: tsx,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...(usePipes ? (['pipe', 'pipe'] as const) : [])],
    env: { ...process.env, ...(usePipes ? { [pipesVariable]: arrayPipes.join(',') } : {}) },
  })
  let exited = false
  const stdio = child.stdio as unknown as Array<Socket | null | undefined>
  const toChild: (Writable & Socket) | null = usePipes ? (stdio[arrayPipes[0]] ?? null) : null
  const fromChild: (Readable & Socket) | null = usePipes ? (stdio[arrayPipes[1]] ?? null) : null
  // A killed child resets its pipes; its death is reported once, by the exit listener.
  for (const pipe of [toChild, fromChild]) pipe?.on('error', () => undefined)
  const post = (message: unknown): void => void child.send(message as object)
  const send = toChild ? pipedSender(post, toChild) : post
  const listeners: Array<(message: unknown) => void> = []
  const receiver = fromChild ? new PipedReceiver((m) => listeners.forEach((l) => l(m)), fromChild) : null
  child.on('message', (message) => (receiver ? receiver.message(message) : listeners.forEach((l) => l(message))))
  return {
    postMessage: (message) => {
      if (!exited && child.connected) send(message)
    },
    onMessage: (listener) => void listeners.push(listener),
    onExit: (listener) => {
      child.once('exit', (code, signal) => {
        exited = true
        listener(signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`)
      })
    },
    kill: () => {
      if (!exited) child.kill()
    },
    setKeepsHostAlive: (alive) => {
      // The pipes are handles too: each keeps Node running unless unreferenced with the channel.
      for (const handle of [child, child.channel, toChild, fromChild]) {
        if (alive) handle?.ref()
        else handle?.unref()
      }
    },
  }
}

/** The child's side: Electron's `process.parentPort` in a utility process, the fork IPC channel otherwise. */
export interface ParentChannel {
  postMessage(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
}

interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

/**
 * `drain` settles when the native calls in flight have returned: exiting under one aborts the process
 * (`Napi::Error`) instead of ending it.
 */
export function parentChannel(drain: () => Promise<unknown> = () => Promise.resolve()): ParentChannel {
  const port = (process as { parentPort?: ElectronParentPort }).parentPort
  if (port)
    return { postMessage: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (event) => l(event.data)) }
  const send = process.send?.bind(process)
  if (!send)
    throw new Error('The native-work process must be started by the console (utilityProcess or child_process.fork).')
  // Ctrl-C in a terminal signals the whole process group; stopping is the host's decision (it lets
  // the call in flight return), so this process does not die with the keystroke.
  process.on('SIGINT', () => undefined)
  // The host going away (even on a second Ctrl-C) closes the channel: exit once the call in flight
  // has returned, rather than linger as an orphan holding the model.
  process.on('disconnect', () => void drain().finally(() => process.exit(0)))
  const pipes = process.env[pipesVariable]?.split(',').map(Number)
  if (!pipes || pipes.length !== 2)
    return { postMessage: (m) => void send(m as object), onMessage: (l) => void process.on('message', l) }
  const fromHost = new Socket({ fd: pipes[0] as number, readable: true, writable: false })
  const toHost = new Socket({ fd: pipes[1] as number, readable: false, writable: true })
  // The host going away resets the pipes; 'disconnect' above ends this process.
  for (const pipe of [fromHost, toHost]) pipe.on('error', () => undefined)
  const listeners: Array<(message: unknown) => void> = []
  const receiver = new PipedReceiver((m) => listeners.forEach((l) => l(m)), fromHost)
  process.on('message', (message) => receiver.message(message))
  return {
    postMessage: pipedSender((m) => void send(m as object), toHost),
    onMessage: (listener) => void listeners.push(listener),
  }
}
