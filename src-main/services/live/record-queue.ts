/**
 * Pairs are recorded one after another, in arrival order. When this computer cannot keep up (disk or
 * CPU), at most `max` wait in memory; newer ones are then refused and counted, so memory stays
 * bounded however long the robot streams. One failed recording does not stop the ones after it.
 */

export interface RecordQueueOptions {
  /** Most items waiting (the one being recorded included). */
  max: number
  /** Told once each time the waiting count reaches `warnAt`. */
  warnAt: number
  onBehind: (waiting: number) => void
  /** Told of each refused item with how many were refused so far. */
  onRefused: (refusedSoFar: number) => void
  onError: (error: unknown) => void
}

export class RecordQueue<T> {
  private tail: Promise<void> = Promise.resolve()
  private waitingCount = 0
  private refusedCount = 0

  constructor(
    private readonly record: (item: T) => Promise<void>,
    private readonly options: RecordQueueOptions,
  ) {}

  get waiting(): number {
    return this.waitingCount
  }

  get refused(): number {
    return this.refusedCount
  }

  /** Queues `item`; false when it was refused (too many waiting). */
  push(item: T): boolean {
    if (this.waitingCount >= this.options.max) {
      this.options.onRefused(++this.refusedCount)
      return false
    }
    if (++this.waitingCount === this.options.warnAt) this.options.onBehind(this.waitingCount)
    this.tail = this.tail
      .then(() => this.record(item))
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => this.waitingCount--)
    return true
  }

  /** Resolves when everything queued so far has been recorded (or failed). */
  idle(): Promise<void> {
    return this.tail
  }
}
