/**
 * The host's side of the native-work process: numbers requests, queues them (interactive calls
 * overtake batch frames), sends one at a time, cancels queued calls through an AbortSignal, logs
 * slow calls, and survives a crashed process — the calls in flight fail with a clear error, a new
 * process starts and reloads the sessions it needs on first use. Probe trainings bypass the queue
 * (they run beside model calls in the process) and are cancelled cooperatively, between batches.
 */
import { performance } from 'node:perf_hooks'
import { ConsoleError, type NativeWorkStatus } from '../../contract'
import {
  forkNativeProcess,
  nativeEntry,
  type NativeProcess,
  type NativeProcessLauncher,
} from '../../platform/native-process'
import type { ProbeTrainingData, ProbeTrainingOptions, ProbeTrainingResult } from '../classes/probe-trainer'
import type { ProviderChoice } from './provider-options'
import type { ResponseFor, WorkerCall, WorkerProgress, WorkerRequest, WorkerResponse } from './worker-protocol'

export interface WorkerLog {
  info(source: string, message: string): void
  warn(source: string, message: string): void
}

export interface WorkerClientOptions {
  log: WorkerLog
  /** Starts the process: utilityProcess in Electron, child_process.fork otherwise (the default). */
  launch?: NativeProcessLauncher
  /** Calls longer than this are logged as slow. */
  slowCallMs?: number
  /** Told when the process crashes (the status bar shows it). */
  onStatus?: (status: NativeWorkStatus) => void
}

export type Priority = 'interactive' | 'batch'

interface Pending {
  call: WorkerCall
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

interface Training {
  onEpoch: (epoch: number, loss: number) => void
  resolve: (result: ProbeTrainingResult) => void
  reject: (error: Error) => void
}

const logSource = 'native-worker'
/** Longest wait at shutdown for the native call in flight (a first CUDA/TensorRT load can take this long). */
const inFlightDrainMs = 120_000

export class InferenceWorkerClient {
  private worker: NativeProcess | null = null
  private generation = 0
  private seq = 0
  private readonly queue: Pending[] = []
  private inFlight: InFlight | null = null
  /** Sessions to (re)load: key → load call. */
  private readonly registry = new Map<string, Extract<WorkerCall, { kind: 'load' }>>()
  /** Sessions loaded in the current worker generation. */
  private loaded = new Set<string>()
  private disposed = false
  /** The current process has answered at least once (it started fine). */
  private answered = false
  private readonly trainings = new Map<number, Training>()
  /** Called when the call in flight at dispose() returns. */
  private drained: (() => void) | null = null
  private readonly launch: NativeProcessLauncher
  private readonly slowCallMs: number
  private readonly nativeStatus: NativeWorkStatus = { running: false, restarts: 0, lastCrash: null }

  constructor(private readonly options: WorkerClientOptions) {
    this.launch = options.launch ?? forkNativeProcess
    this.slowCallMs = options.slowCallMs ?? 3000
  }

  status(): NativeWorkStatus {
    return { ...this.nativeStatus }
  }

  /** Loads (or reloads) an ONNX file as `sessionKey`; remembered so a restarted worker can reload it. */
  async load(sessionKey: string, onnxPath: string, providers: ProviderChoice[]): Promise<ResponseFor['load']> {
    const call = { kind: 'load', sessionKey, onnxPath, providers } as const
    const response = await this.request(call, 'interactive')
    this.registry.set(sessionKey, call)
    this.loaded.add(sessionKey)
    return response
  }

  async unload(sessionKey: string): Promise<void> {
    this.registry.delete(sessionKey)
    if (!this.loaded.has(sessionKey)) return
    this.loaded.delete(sessionKey)
    await this.request({ kind: 'unload', sessionKey }, 'interactive')
  }

  /** One model request, queued by priority. */
  async request<K extends WorkerCall['kind']>(
    call: Extract<WorkerCall, { kind: K }>,
    priority: Priority,
    signal?: AbortSignal,
  ): Promise<ResponseFor[K]> {
    const response = await this.enqueue(call, priority, signal)
    if (response.kind === 'error') {
      throw new ConsoleError(response.code, response.message, response.missingMap ? { missingMap: true } : undefined)
    }
    return response as ResponseFor[K]
  }

  /**
   * Trains a probe in the native process beside the queued model calls. An abort asks the process to
   * stop between batches; the promise then rejects with `cancelled`.
   */
  trainProbe(
    data: ProbeTrainingData,
    options: ProbeTrainingOptions,
    onEpoch: (epoch: number, loss: number) => void,
    signal: AbortSignal,
  ): Promise<ProbeTrainingResult> {
    if (this.disposed) return Promise.reject(new ConsoleError('cancelled', 'The native-work process was shut down.'))
    signal.throwIfAborted()
    const seq = ++this.seq
    const worker = this.ensureWorker()
    return new Promise<ProbeTrainingResult>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ kind: 'cancel', seq } satisfies WorkerRequest)
      const settle =
        <T>(action: (value: T) => void) =>
        (value: T) => {
          signal.removeEventListener('abort', onAbort)
          this.trainings.delete(seq)
          this.keepAliveWhileBusy()
          action(value)
        }
      this.trainings.set(seq, { onEpoch, resolve: settle(resolve), reject: settle(reject) })
      signal.addEventListener('abort', onAbort, { once: true })
      worker.postMessage({ kind: 'trainProbe', seq, data, options } satisfies WorkerRequest)
      this.keepAliveWhileBusy()
    })
  }

  /** Pending and in-flight calls (for status and tests). */
  backlog(): number {
    return this.queue.length + (this.inFlight ? 1 : 0) + this.trainings.size
  }

  async dispose(): Promise<void> {
    this.disposed = true
    const error = new ConsoleError('cancelled', 'The native-work process was shut down.')
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
    for (const training of [...this.trainings.values()]) training.reject(error)
    const worker = this.worker
    this.worker = null
    if (!worker) return
    const exited = new Promise<void>((resolve) => worker.onExit(() => resolve()))
    // An idle process is unref'd; waiting for its exit must keep the host alive, or Node ends the
    // wait as an unsettled await (exit 13) before the CLI prints its last line.
    worker.setKeepsHostAlive(true)
    worker.kill()
    await exited
  }

  private enqueue(call: WorkerCall, priority: Priority, signal?: AbortSignal): Promise<WorkerResponse> {
    if (this.disposed) return Promise.reject(new ConsoleError('cancelled', 'The native-work process was shut down.'))
    if (signal?.aborted) return Promise.reject(new ConsoleError('cancelled', `${call.kind}: cancelled.`))
    return new Promise<WorkerResponse>((resolve, reject) => {
      const pending: Pending = { call, priority, signal, resolve, reject, onAbort: () => this.abort(pending) }
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
    worker.postMessage({ ...next.call, seq } as WorkerRequest)
    this.keepAliveWhileBusy()
  }

  /** The host stays alive only while the process has work (the CLI exits when it is idle). */
  private keepAliveWhileBusy(): void {
    this.worker?.setKeepsHostAlive(this.backlog() > 0)
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
      call,
      priority: 'interactive',
      signal: undefined,
      onAbort: () => undefined,
      resolve: (response) => {
        if (response.kind === 'loaded') {
          this.loaded.add(key)
          this.options.log.info(logSource, `Reloaded ${key} on ${response.provider} in the restarted worker.`)
        } else {
          failWaiting(
            `Reloading ${call.onnxPath} after a worker restart failed: ${response.kind === 'error' ? response.message : response.kind}`,
          )
        }
      },
      reject: () => undefined,
    }
  }

  private ensureWorker(): NativeProcess {
    if (this.worker) return this.worker
    const worker = this.launch(nativeEntry(import.meta.url, 'inference-worker'))
    const generation = ++this.generation
    worker.onMessage((message) => this.onMessage(message as WorkerResponse | WorkerProgress))
    worker.onExit((reason) => this.onCrash(generation, reason))
    worker.setKeepsHostAlive(false)
    this.worker = worker
    this.loaded = new Set()
    this.answered = false
    this.nativeStatus.running = true
    return worker
  }

  private onMessage(message: WorkerResponse | WorkerProgress): void {
    this.answered = true
    const training = this.trainings.get(message.seq)
    if (training) return this.onTrainingMessage(training, message)
    this.onResponse(message as WorkerResponse)
  }

  private onTrainingMessage(training: Training, message: WorkerResponse | WorkerProgress): void {
    if (message.kind === 'probeEpoch') training.onEpoch(message.epoch, message.loss)
    else if (message.kind === 'probeTrained') training.resolve(message.result)
    else if (message.kind === 'error')
      training.reject(
        new ConsoleError(
          message.code,
          message.code === 'cancelled' ? message.message : `Probe training failed: ${message.message}`,
        ),
      )
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
    if (elapsedMs > this.slowCallMs)
      this.options.log.warn(logSource, `Slow call: ${describe(inFlight.call)} took ${Math.round(elapsedMs)} ms.`)
    this.settle(inFlight, () => inFlight.resolve(response))
    this.keepAliveWhileBusy()
    this.pump()
  }

  private onCrash(generation: number, reason: string): void {
    if (this.disposed) this.drained?.()
    if (generation !== this.generation || this.disposed || !this.worker) return
    this.worker = null
    const inFlight = this.inFlight
    this.inFlight = null
    this.options.log.warn(logSource, `The native-work process stopped (${reason}); starting a new one.`)
    Object.assign(this.nativeStatus, {
      running: false,
      restarts: this.nativeStatus.restarts + 1,
      lastCrash: { reason, at: Date.now() },
    })
    this.options.onStatus?.(this.status())
    if (inFlight) {
      const error = new ConsoleError(
        'model_error',
        `The native-work process crashed (${reason}) while ${activity[inFlight.call.kind]}; it was restarted.`,
        { workerCrashed: true },
      )
      this.settle(inFlight, () => inFlight.reject(error))
    }
    for (const training of [...this.trainings.values()]) {
      training.reject(
        new ConsoleError(
          'model_error',
          `The native-work process crashed (${reason}) during probe training; it was restarted. Train again.`,
          { workerCrashed: true },
        ),
      )
    }
    // Restart now (sessions reload on first use); a process that died before answering anything
    // starts again only when work asks for it, so a process that cannot start does not loop.
    if (this.answered && this.queue.length === 0) this.ensureWorker()
    this.pump()
  }
}

function sessionKeyOf(call: WorkerCall): string | null {
  return 'sessionKey' in call && call.kind !== 'load' && call.kind !== 'unload' ? call.sessionKey : null
}

/** What a call was doing, in words for a person. */
const activity: Record<WorkerCall['kind'], string> = {
  load: 'loading a model',
  unload: 'unloading a model',
  run: 'running a model',
  embedImage: 'embedding a frame',
  score: 'scoring a frame',
  classify: 'classifying a frame',
  pca: 'projecting a frame',
}

function describe(call: WorkerCall): string {
  return 'sessionKey' in call ? `${call.kind} ${call.sessionKey}` : call.kind
}
