/**
 * A small server-side queue for data-plane work (frame reads): at most `slots` run at once, waiting
 * foreground requests go before waiting background ones (prefetches), and background work never
 * takes the last slot, so a frame a person asked for waits for no prefetch. A request whose client
 * went away (its signal aborts) leaves the queue without running.
 */
import type { DataRequest } from './data-router'

/** Starts a waiting request (its slot already counted as running). */
type Waiter = () => void

export class PriorityGate {
  private running = 0
  private readonly waiting = { foreground: [] as Waiter[], background: [] as Waiter[] }

  /** `slots` ≥ 2: one is always left to foreground work. */
  constructor(private readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 2) throw new Error(`PriorityGate needs at least 2 slots, got ${slots}.`)
  }

  /** Runs `work` when a slot is free for the request's priority; rejects with the abort reason if it aborts first. */
  async run<T>(request: DataRequest, work: () => Promise<T>): Promise<T> {
    request.signal.throwIfAborted()
    // Counted at once (here or in startNext), so that no later request can take the same slot.
    if (this.canStart(request.background)) this.running++
    else await this.wait(request)
    try {
      return await work()
    } finally {
      this.running--
      this.startNext()
    }
  }

  /** Requests waiting for a slot (for tests and diagnostics). */
  get queued(): number {
    return this.waiting.foreground.length + this.waiting.background.length
  }

  private canStart(background: boolean): boolean {
    return this.running < (background ? this.slots - 1 : this.slots)
  }

  private wait(request: DataRequest): Promise<void> {
    const queue = request.background ? this.waiting.background : this.waiting.foreground
    return new Promise<void>((resolve, reject) => {
      const leave = () => queue.splice(queue.indexOf(waiter), 1)
      const onAbort = () => {
        leave()
        reject(request.signal.reason)
      }
      const waiter: Waiter = () => {
        request.signal.removeEventListener('abort', onAbort)
        resolve()
      }
      request.signal.addEventListener('abort', onAbort, { once: true })
      queue.push(waiter)
    })
  }

  private startNext(): void {
    const next = this.waiting.foreground.shift() ?? (this.canStart(true) ? this.waiting.background.shift() : undefined)
    if (!next) return
    this.running++
    next()
  }
}
