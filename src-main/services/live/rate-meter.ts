/** Events per second over a sliding window (arrivals, embeddings), from monotonic milliseconds. */
export class RateMeter {
  private readonly times: number[] = []

  constructor(private readonly windowMs = 5_000) {}

  tick(nowMs = performance.now()): void {
    this.times.push(nowMs)
    this.trim(nowMs)
  }

  perSecond(nowMs = performance.now()): number {
    this.trim(nowMs)
    if (this.times.length < 2) return 0
    const span = Math.max(nowMs - this.times[0]!, 1)
    return ((this.times.length - 1) * 1000) / Math.min(span, this.windowMs)
  }

  private trim(nowMs: number): void {
    while (this.times.length > 0 && nowMs - this.times[0]! > this.windowMs) this.times.shift()
  }
}
