/**
 * Latest-frame-wins: the model runs on the newest offered item whenever it is free. An item offered
 * while the model is busy replaces the one waiting (that one is counted as skipped), so the queue is
 * at most one deep and nothing ever waits behind the model.
 */

export interface SchedulerCounts {
  offered: number
  started: number
  finished: number
  failed: number
  skipped: number
}

export class LatestFrameScheduler<T> {
  private waiting: T | null = null
  private running: Promise<void> | null = null
  private stopped = false
  readonly counts: SchedulerCounts = { offered: 0, started: 0, finished: 0, failed: 0, skipped: 0 }

  constructor(
    private readonly run: (item: T) => Promise<void>,
    private readonly onError: (error: unknown, item: T) => void = () => undefined,
  ) {}

  offer(item: T): void {
    if (this.stopped) return
    this.counts.offered++
    if (this.waiting !== null) this.counts.skipped++
    this.waiting = item
    this.running ??= this.drain()
  }

  get busy(): boolean {
    return this.running !== null
  }

  /** Resolves when nothing runs or waits. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** Drops what waits and runs nothing more; resolves when the running item ends. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.waiting !== null) this.counts.skipped++
    this.waiting = null
    await this.idle()
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting !== null) {
        const item = this.waiting
        this.waiting = null
        this.counts.started++
        try {
          await this.run(item)
          this.counts.finished++
        } catch (error) {
          this.counts.failed++
          this.onError(error, item)
        }
      }
    } finally {
      this.running = null
    }
  }
}
