/**
 * Runs long work as cancellable jobs with progress, rate and ETA, and publishes `job` events
 * (throttled so a fast loop cannot flood the wire).
 */
import { ConsoleError, type JobInfo, type ServiceApi, type jobsSpec } from '../../contract'
import type { EventBus } from '../event-bus'

export interface JobContext {
  readonly signal: AbortSignal
  /** Report units done of total (total 0 = unknown), with an optional message. */
  progress(done: number, total: number, message?: string): void
  /** Throws ConsoleError('cancelled') when the job was cancelled; call between units of work. */
  throwIfCancelled(): void
}

export interface StartedJob<R> {
  id: string
  result: Promise<R>
}

const emitIntervalMs = 100

interface JobEntry {
  info: JobInfo
  controller: AbortController
  /** Settles when the work has returned (after its cleanup: checkpoints, temporary folders). */
  ended: Promise<void>
  lastEmit: number
  trailing: ReturnType<typeof setTimeout> | null
}
const keepFinishedJobs = 50

export class JobRunner implements ServiceApi<typeof jobsSpec> {
  private readonly jobs = new Map<string, JobEntry>()
  /** Results of the jobs still running. */
  private counter = 0

  constructor(private readonly events: EventBus) {}

  /** `group`: runs that replace one another (JobInfo.group). */
  start<R>(
    kind: string,
    title: string,
    work: (ctx: JobContext) => Promise<R>,
    options: { group?: string } = {},
  ): StartedJob<R> {
    const id = `${kind}-${Date.now().toString(36)}-${(this.counter++).toString(36)}`
    const controller = new AbortController()
    const info: JobInfo = {
      id,
      kind,
      title,
      state: 'running',
      done: 0,
      total: 0,
      etaSeconds: null,
      rate: null,
      message: '',
      startedAt: Date.now(),
      endedAt: null,
      error: null,
      ...(options.group ? { group: options.group } : {}),
    }
    let markEnded: () => void = () => undefined
    const entry: JobEntry = {
      info,
      controller,
      lastEmit: 0,
      trailing: null,
      ended: new Promise<void>((resolve) => (markEnded = resolve)),
    }
    this.jobs.set(id, entry)
    this.publish(entry, true)
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, message) => {
        info.done = done
        info.total = total
        if (message !== undefined) info.message = message
        const elapsedSec = (Date.now() - info.startedAt) / 1000
        info.rate = elapsedSec > 0.2 && done > 0 ? done / elapsedSec : null
        info.etaSeconds = info.rate && total > 0 ? Math.max(0, (total - done) / info.rate) : null
        this.publish(entry, false)
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new ConsoleError('cancelled', `${title}: cancelled.`)
      },
    }
    const result = (async () => {
      try {
        const value = await work(ctx)
        info.state = controller.signal.aborted ? 'cancelled' : 'done'
        return value
      } catch (error) {
        const cancelled = controller.signal.aborted || (error instanceof ConsoleError && error.code === 'cancelled')
        info.state = cancelled ? 'cancelled' : 'failed'
        info.error = cancelled ? null : error instanceof Error ? error.message : String(error)
        throw error
      } finally {
        info.endedAt = Date.now()
        info.etaSeconds = null
        this.publish(entry, true)
        this.prune()
        markEnded()
      }
    })()
    // The caller owns the result; this keeps an unobserved failure from crashing the process.
    result.catch(() => undefined)
    return { id, result }
  }

  async list(): Promise<JobInfo[]> {
    return [...this.jobs.values()].map((entry) => ({ ...entry.info }))
  }

  async cancel({ id }: { id: string }): Promise<{ cancelled: boolean }> {
    const entry = this.jobs.get(id)
    if (!entry) throw new ConsoleError('not_found', `No job with id "${id}".`)
    if (entry.info.state !== 'running') return { cancelled: false }
    entry.controller.abort()
    entry.info.message = 'Cancelling…'
    this.publish(entry, true)
    return { cancelled: true }
  }

  /** Cancels every running job (used on shutdown). */
  cancelAll(): void {
    for (const entry of this.jobs.values()) if (entry.info.state === 'running') entry.controller.abort()
  }

  /**
   * Resolves once every running job has returned, so their cleanup (a map checkpoint, removing an
   * import's temporary folder) is done before the process goes; true when they all did in time.
   */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    const running = [...this.jobs.values()].filter((e) => e.info.state === 'running').map((e) => e.ended)
    if (running.length === 0) return true
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
    const result = await Promise.race([Promise.all(running).then(() => true), timedOut])
    clearTimeout(timer)
    return result
  }

  private publish(entry: JobEntry, force: boolean): void {
    const now = Date.now()
    const wait = emitIntervalMs - (now - entry.lastEmit)
    if (!force && wait > 0) {
      // Throttled, but the latest state must still reach the UI: emit it when the interval ends.
      entry.trailing ??= setTimeout(() => {
        entry.trailing = null
        this.publish(entry, true)
      }, wait)
      return
    }
    if (entry.trailing) clearTimeout(entry.trailing)
    entry.trailing = null
    entry.lastEmit = now
    this.events.emit('job', { ...entry.info })
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.info.state !== 'running')
    for (const entry of finished.slice(0, Math.max(0, finished.length - keepFinishedJobs)))
      this.jobs.delete(entry.info.id)
  }
}
