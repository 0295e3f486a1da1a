/**
 * The main-thread side of the inference worker: numbers requests, queues them (interactive calls
 * overtake batch frames), sends one at a time, cancels queued calls through an AbortSignal, logs
 * slow calls, and survives a crashed worker — the call in flight fails with a clear error, a new
 * worker starts and reloads the sessions it needs on first use.
 */
import type { TransferListItem, Worker } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { ConsoleError } from '../../contract'
import { startWorker } from '../../platform/worker-entry'
import type { ResponseFor, WorkerCall, WorkerRequest, WorkerResponse } from './worker-protocol'

export interface WorkerLog {
  info(source: string, message: string): void
  warn(source: string, message: string): void
}

export interface WorkerClientOptions {
  log: WorkerLog
  /** Starts the worker; tests pass their own to reach the Worker object. */
  spawn?: () => Worker
  /** Calls longer than this are logged as slow. */
  slowCallMs?: number
}

export type Priority = 'interactive' | 'batch'

interface Pending {
  call: WorkerCall
  transfer: TransferListItem[]
  priority: Priority
  signal: AbortSignal | undefined
  resolve: (response: WorkerResponse) => void
  reject: (error: Error) => void
  onAbort: () => void
}

interface InFlight extends Pending {
  seq: number
  startedAt: number
}

const logSource = 'inference-worker'
/** Longest wait at shutdown for the native call in flight (a first CUDA/TensorRT load can take this long). */
const inFlightDrainMs = 120_000

export class InferenceWorkerClient {
  private worker: Worker | null = null
  private generation = 0
  private seq = 0
  private readonly queue: Pending[] = []
  private inFlight: InFlight | null = null
  /** Sessions to (re)load: key → load call. */
  private readonly registry = new Map<string, Extract<WorkerCall, { kind: 'load' }>>()
  /** Sessions loaded in the current worker generation. */
  private loaded = new Set<string>()
  private disposed = false
  /** Called when the call in flight at dispose() returns. */
  private drained: (() => void) | null = null
  private readonly spawn: () => Worker
  private readonly slowCallMs: number

  constructor(private readonly options: WorkerClientOptions) {
    this.spawn = options.spawn ?? (() => startWorker(import.meta.url, 'inference-worker'))
    this.slowCallMs = options.slowCallMs ?? 3000
  }

  /** Loads (or reloads) an ONNX file as `sessionKey`; remembered so a restarted worker can reload it. */
  async load(sessionKey: string, onnxPath: string, providers: string[]): Promise<ResponseFor['load']> {
    const call = { kind: 'load', sessionKey, onnxPath, providers } as const
    const response = await this.request(call, [], 'interactive')
    this.registry.set(sessionKey, call)
    this.loaded.add(sessionKey)
    return response
  }

  async unload(sessionKey: string): Promise<void> {
    this.registry.delete(sessionKey)
    if (!this.loaded.has(sessionKey)) return
    this.loaded.delete(sessionKey)
    await this.request({ kind: 'unload', sessionKey }, [], 'interactive')
  }

  /** One request; `transfer` lists buffers moved (not copied) to the worker. */
  async request<K extends WorkerCall['kind']>(
    call: Extract<WorkerCall, { kind: K }>, transfer: TransferListItem[], priority: Priority, signal?: AbortSignal,
  ): Promise<ResponseFor[K]> {
    const response = await this.enqueue(call, transfer, priority, signal)
    if (response.kind === 'error') {
      throw new ConsoleError(response.code, response.message, response.missingMap ? { missingMap: true } : undefined)
    }
    return response as ResponseFor[K]
  }

  /** Pending and in-flight calls (for status and tests). */
  backlog(): number {
    return this.queue.length + (this.inFlight ? 1 : 0)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    const error = new ConsoleError('cancelled', 'The inference worker was shut down.')
    for (const pending of this.queue.splice(0)) this.settle(pending, () => pending.reject(error))
    const inFlight = this.inFlight
    if (inFlight) {
      this.settle(inFlight, () => inFlight.reject(error))
      // A native call cannot be interrupted: terminating the worker under it aborts the whole process
      // ("terminate called after throwing an instance of 'Napi::Error'"). Let it return first.
      await new Promise<void>((resolve) => {
        this.drained = resolve
        setTimeout(resolve, inFlightDrainMs).unref()
      })
    }
    this.inFlight = null
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }

  private enqueue(call: WorkerCall, transfer: TransferListItem[], priority: Priority, signal?: AbortSignal): Promise<WorkerResponse> {
    if (this.disposed) return Promise.reject(new ConsoleError('cancelled', 'The inference worker was shut down.'))
    if (signal?.aborted) return Promise.reject(new ConsoleError('cancelled', `${call.kind}: cancelled.`))
    return new Promise<WorkerResponse>((resolve, reject) => {
      const pending: Pending = { call, transfer, priority, signal, resolve, reject, onAbort: () => this.abort(pending) }
      signal?.addEventListener('abort', pending.onAbort, { once: true })
      // Interactive calls go before queued batch work, after other interactive calls.
      const at = priority === 'interactive' ? this.queue.findIndex((p) => p.priority === 'batch') : -1
      if (at >= 0) this.queue.splice(at, 0, pending)
      else this.queue.push(pending)
      this.pump()
    })
  }

  /** A queued call is dropped; the call in flight cannot be interrupted, so its result is discarded. */
  private abort(pending: Pending): void {
    const error = new ConsoleError('cancelled', `${pending.call.kind}: cancelled.`)
    const index = this.queue.indexOf(pending)
    if (index >= 0) {
      this.queue.splice(index, 1)
      pending.reject(error)
    } else if (this.inFlight === pending) {
      pending.reject(error)
    }
  }

  private settle(pending: Pending, action: () => void): void {
    pending.signal?.removeEventListener('abort', pending.onAbort)
    action()
  }

  private pump(): void {
    if (this.inFlight || this.disposed) return
    const first = this.queue[0]
    if (!first) return
    const worker = this.ensureWorker()
    const key = sessionKeyOf(first.call)
    // A restarted worker has no sessions: reload the one the next call needs before sending it.
    const next = key !== null && !this.loaded.has(key) ? this.reloadCall(key) : this.queue.shift()
    if (!next) return this.pump()
    const seq = ++this.seq
    this.inFlight = { ...next, seq, startedAt: performance.now() }
    // abort() compares identities: point the listener at the in-flight record.
    const inFlight = this.inFlight
    next.signal?.removeEventListener('abort', next.onAbort)
    inFlight.onAbort = () => this.abort(inFlight)
    next.signal?.addEventListener('abort', inFlight.onAbort, { once: true })
    worker.postMessage({ ...next.call, seq } as WorkerRequest, next.transfer)
    // Keep the process alive only while the worker has work (the CLI exits when it is idle).
    worker.ref()
  }

  /** The pending record that reloads `key`; null (after failing the calls that need it) when it cannot be reloaded. */
  private reloadCall(key: string): Pending | null {
    const call = this.registry.get(key)
    const failWaiting = (message: string) => {
      for (const waiting of this.queue.filter((p) => sessionKeyOf(p.call) === key)) {
        this.queue.splice(this.queue.indexOf(waiting), 1)
        this.settle(waiting, () => waiting.reject(new ConsoleError('model_error', message)))
      }
    }
    if (!call) {
      failWaiting(`No model session "${key}" is loaded.`)
      return null
    }
    return {
      call, transfer: [], priority: 'interactive', signal: undefined, onAbort: () => undefined,
      resolve: (response) => {
        if (response.kind === 'loaded') {
          this.loaded.add(key)
          this.options.log.info(logSource, `Reloaded ${key} on ${response.provider} in the restarted worker.`)
        } else {
          failWaiting(`Reloading ${call.onnxPath} after a worker restart failed: ${response.kind === 'error' ? response.message : response.kind}`)
        }
      },
      reject: () => undefined,
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = this.spawn()
    const generation = ++this.generation
    worker.on('message', (response: WorkerResponse) => this.onResponse(response))
    worker.on('error', (error: Error) => this.onCrash(generation, `uncaught error: ${error.message}`))
    worker.on('exit', (code: number) => this.onCrash(generation, `exit code ${code}`))
    worker.unref()
    this.worker = worker
    this.loaded = new Set()
    return worker
  }

  private onResponse(response: WorkerResponse): void {
    if (this.disposed) {
      this.drained?.()
      return
    }
    const inFlight = this.inFlight
    if (!inFlight || inFlight.seq !== response.seq) {
      this.options.log.warn(logSource, `Dropped a response with unexpected seq ${response.seq}.`)
      return
    }
    this.inFlight = null
    const elapsedMs = performance.now() - inFlight.startedAt
    if (elapsedMs > this.slowCallMs) this.options.log.warn(logSource, `Slow call: ${describe(inFlight.call)} took ${Math.round(elapsedMs)} ms.`)
    this.settle(inFlight, () => inFlight.resolve(response))
    if (this.queue.length === 0) this.worker?.unref()
    this.pump()
  }

  private onCrash(generation: number, reason: string): void {
    if (this.disposed) this.drained?.()
    if (generation !== this.generation || this.disposed || !this.worker) return
    this.worker = null
    const inFlight = this.inFlight
    this.inFlight = null
    this.options.log.warn(logSource, `The inference worker stopped (${reason}); starting a new one.`)
    if (inFlight) {
      const error = new ConsoleError('model_error', `The inference worker crashed (${reason}) during ${describe(inFlight.call)}; it was restarted.`, { workerCrashed: true })
      this.settle(inFlight, () => inFlight.reject(error))
    }
    this.pump()
  }
}

function sessionKeyOf(call: WorkerCall): string | null {
  return 'sessionKey' in call && call.kind !== 'load' && call.kind !== 'unload' ? call.sessionKey : null
}

function describe(call: WorkerCall): string {
  return 'sessionKey' in call ? `${call.kind} ${call.sessionKey}` : call.kind
}
