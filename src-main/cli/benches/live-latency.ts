/**
 * The live bench's latency trail: for each frame the times it reached each stage of the user's path
 * (pair complete → recorded → model started → embedded → the view told → heatmap scored → heatmap
 * bytes in the view), so the total can be split into its parts. Two totals: for each frame shown,
 * arrival → its heatmap visible (the figure); and for every frame that arrived, arrival → a
 * heatmap of it or a newer frame visible (what latest-frame-wins costs an unlucky frame).
 */
import { percentile } from './bench-stats'

export const liveStages = ['arrived', 'recorded', 'modelStarted', 'embedded', 'notified', 'scored', 'visible'] as const
export type LiveStage = (typeof liveStages)[number]

/** Each part is the time from the stage before it to this one. */
export const liveParts: Record<Exclude<LiveStage, 'arrived'>, string> = {
  recorded: 'record (decode, depth PNG, write)',
  modelStarted: 'wait for the model',
  embedded: 'model run (load frame, embed)',
  notified: 'tell the view',
  scored: 'heatmap scoring (query.frame)',
  visible: 'fetch heatmap bytes',
}

export interface PartSummary {
  stage: Exclude<LiveStage, 'arrived'>
  label: string
  p50: number
  p95: number
}

export class LiveLatencyTrail {
  private readonly frames = new Map<number, Partial<Record<LiveStage, number>>>()

  mark(index: number, stage: LiveStage, atMs: number): void {
    let times = this.frames.get(index)
    if (!times) this.frames.set(index, (times = {}))
    times[stage] ??= atMs
  }

  /** Frames whose heatmap became visible, with every stage timed. */
  private shown(): Array<Record<LiveStage, number>> {
    return [...this.frames.values()].filter((t): t is Record<LiveStage, number> =>
      liveStages.every((s) => t[s] !== undefined),
    )
  }

  /** Sorted arrival → own heatmap visible, over the frames shown (that arrived in [fromMs, toMs)). */
  shownLatencies(fromMs = -Infinity, toMs = Infinity): number[] {
    return this.shown()
      .filter((t) => t.arrived >= fromMs && t.arrived < toMs)
      .map((t) => t.visible - t.arrived)
      .sort((a, b) => a - b)
  }

  parts(): PartSummary[] {
    const shown = this.shown()
    return liveStages.slice(1).map((stage, k) => {
      const before = liveStages[k]!
      const spans = shown.map((t) => t[stage] - t[before]).sort((a, b) => a - b)
      return {
        stage: stage as PartSummary['stage'],
        label: liveParts[stage as PartSummary['stage']],
        p50: percentile(spans, 50),
        p95: percentile(spans, 95),
      }
    })
  }

  /**
   * Sorted, over every frame that arrived before the last heatmap shown: arrival → the first
   * heatmap of this frame or a newer one visible.
   */
  anyFrameLatencies(): number[] {
    const shown = [...this.frames.entries()]
      .filter(([, t]) => t.visible !== undefined)
      .map(([index, t]) => ({ index, visible: t.visible! }))
      .sort((a, b) => a.index - b.index)
    // Earliest visible time among the frames shown at or after each position.
    const earliestFrom = shown.map((s) => s.visible)
    for (let k = earliestFrom.length - 2; k >= 0; k--)
      earliestFrom[k] = Math.min(earliestFrom[k]!, earliestFrom[k + 1]!)
    const out: number[] = []
    let k = 0
    for (const [index, t] of [...this.frames.entries()].sort((a, b) => a[0] - b[0])) {
      if (t.arrived === undefined) continue
      while (k < shown.length && shown[k]!.index < index) k++
      if (k === shown.length) break
      out.push(earliestFrom[k]! - t.arrived)
    }
    return out.sort((a, b) => a - b)
  }
}
