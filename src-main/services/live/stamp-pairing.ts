/**
 * Colour + depth pairing on the messages' own `header.stamp` (never the bridge's receive time), after
 * ros2/message_filters `ApproximateEpsilonTime`: one queue per topic (capped, oldest dropped); when
 * the heads are within epsilon they are emitted together; otherwise the older head is dropped. Two
 * changes for a network link: queues are kept in stamp order (a reordered message still pairs), and
 * an unmatched head is dropped only once the link has moved `holdSec` past it (it may still come).
 */

export interface Stamped<T> {
  stampSec: number
  item: T
}

export interface PairingCounts {
  paired: number
  /** Messages dropped without a partner (too old, or overflowed the queue). */
  unpairedColour: number
  unpairedDepth: number
  /** Messages with a stamp already seen on their topic (ignored). */
  duplicates: number
}

export interface PairingOptions {
  epsilonSec: number
  /** How long an unmatched message waits for a late partner (default 0.1 s). */
  holdSec?: number
  /** Most messages kept per topic (default 30). */
  queueSize?: number
}

type Side = 'colour' | 'depth'

export class StampPairer<C, D> {
  readonly epsilonSec: number
  private readonly holdSec: number
  private readonly queueSize: number
  private readonly colour: Array<Stamped<C>> = []
  private readonly depth: Array<Stamped<D>> = []
  /** Newest stamp seen on either topic: how far the link has moved. */
  private newestSec = Number.NEGATIVE_INFINITY
  /** Stamps at or before this were decided (paired or dropped); later copies are late or duplicates. */
  private readonly decidedUpTo: Record<Side, number> = {
    colour: Number.NEGATIVE_INFINITY,
    depth: Number.NEGATIVE_INFINITY,
  }
  readonly counts: PairingCounts = { paired: 0, unpairedColour: 0, unpairedDepth: 0, duplicates: 0 }

  constructor(options: PairingOptions) {
    this.epsilonSec = options.epsilonSec
    this.holdSec = options.holdSec ?? 0.1
    this.queueSize = options.queueSize ?? 30
  }

  pushColour(stampSec: number, item: C): Array<[Stamped<C>, Stamped<D>]> {
    return this.push('colour', this.colour, { stampSec, item })
  }

  pushDepth(stampSec: number, item: D): Array<[Stamped<C>, Stamped<D>]> {
    return this.push('depth', this.depth, { stampSec, item })
  }

  /** Forgets everything queued (a new robot session); counts are kept. */
  reset(): void {
    this.colour.length = 0
    this.depth.length = 0
    this.newestSec = Number.NEGATIVE_INFINITY
    this.decidedUpTo.colour = this.decidedUpTo.depth = Number.NEGATIVE_INFINITY
  }

  get queued(): { colour: number; depth: number } {
    return { colour: this.colour.length, depth: this.depth.length }
  }

  private push<T>(side: Side, queue: Array<Stamped<T>>, message: Stamped<T>): Array<[Stamped<C>, Stamped<D>]> {
    if (message.stampSec === this.decidedUpTo[side] || queue.some((m) => m.stampSec === message.stampSec)) {
      this.counts.duplicates++
      return []
    }
    if (message.stampSec < this.decidedUpTo[side]) {
      this.countDrop(side)
      return []
    }
    let at = queue.length
    while (at > 0 && queue[at - 1]!.stampSec > message.stampSec) at--
    queue.splice(at, 0, message)
    if (queue.length > this.queueSize) this.drop(side)
    this.newestSec = Math.max(this.newestSec, message.stampSec)
    return this.match()
  }

  private match(): Array<[Stamped<C>, Stamped<D>]> {
    const pairs: Array<[Stamped<C>, Stamped<D>]> = []
    for (;;) {
      const c = this.colour[0]
      const d = this.depth[0]
      if (c && d && Math.abs(c.stampSec - d.stampSec) <= this.epsilonSec) {
        this.colour.shift()
        this.depth.shift()
        this.decidedUpTo.colour = c.stampSec
        this.decidedUpTo.depth = d.stampSec
        this.counts.paired++
        pairs.push([c, d])
        continue
      }
      // No match at the heads: nothing queued can match the older head, but a late message might.
      const older: Side | null = c && (!d || c.stampSec < d.stampSec) ? 'colour' : d ? 'depth' : null
      const olderSec = older === 'colour' ? c!.stampSec : older === 'depth' ? d!.stampSec : null
      if (older === null || olderSec === null || olderSec > this.newestSec - this.holdSec) return pairs
      this.drop(older)
    }
  }

  private drop(side: Side): void {
    const dropped = side === 'colour' ? this.colour.shift() : this.depth.shift()
    if (!dropped) return
    this.decidedUpTo[side] = Math.max(this.decidedUpTo[side], dropped.stampSec)
    this.countDrop(side)
  }

  private countDrop(side: Side): void {
    if (side === 'colour') this.counts.unpairedColour++
    else this.counts.unpairedDepth++
  }
}
