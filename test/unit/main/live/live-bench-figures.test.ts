/**
 * The live bench's figures: the latency split into the parts of the user's path, the per-arrival
 * figure that counts frames the model skipped, and the memory course by fifths with its split.
 */
import { describe, expect, it } from 'vitest'
import { LiveLatencyTrail, liveStages } from '../../../../src-main/cli/benches/live-latency'
import {
  describeSplit,
  memoryByFifths,
  nativeRest,
  sampleMemory,
  type MemorySample,
} from '../../../../src-main/cli/benches/memory-course'

const mib = 2 ** 20

describe('live latency trail', () => {
  it('splits arrival → visible into its parts, over the frames shown', () => {
    const trail = new LiveLatencyTrail()
    // Frame 0 shown: 10 record, 5 wait, 100 model, 1 tell, 20 score, 2 fetch = 138 ms.
    ;[0, 10, 15, 115, 116, 136, 138].forEach((t, k) => trail.mark(0, liveStages[k]!, 1000 + t))
    // Frame 1 arrived and was recorded but skipped by the model: not in the shown figures.
    trail.mark(1, 'arrived', 1030)
    trail.mark(1, 'recorded', 1040)
    expect(trail.shownLatencies()).toEqual([138])
    expect(trail.parts().map((p) => [p.stage, p.p50])).toEqual([
      ['recorded', 10],
      ['modelStarted', 5],
      ['embedded', 100],
      ['notified', 1],
      ['scored', 20],
      ['visible', 2],
    ])
  })

  it('counts a skipped frame until a newer frame is visible', () => {
    const trail = new LiveLatencyTrail()
    const shown = (index: number, arrived: number, visible: number): void => {
      liveStages.forEach((stage) => trail.mark(index, stage, stage === 'visible' ? visible : arrived))
    }
    shown(0, 0, 100)
    trail.mark(1, 'arrived', 33) // skipped: frame 3's heatmap is the first newer one
    trail.mark(2, 'arrived', 66) // skipped
    shown(3, 100, 200)
    trail.mark(4, 'arrived', 133) // after the last heatmap shown: not counted
    expect(trail.anyFrameLatencies()).toEqual([100, 100, 134, 167])
    // A stage marked twice keeps its first time.
    trail.mark(0, 'visible', 999)
    expect(trail.shownLatencies()).toEqual([100, 100])
    // By arrival window (the bench's fifths): frame 0 arrived at 0, frame 3 at 100.
    expect(trail.shownLatencies(50, 150)).toEqual([100])
    expect(trail.shownLatencies(0, 100)).toEqual([100])
    expect(trail.shownLatencies(150, 300)).toEqual([])
  })
})

describe('memory course', () => {
  const sample = (atSec: number, rssMib: number): MemorySample => ({
    atSec,
    rss: rssMib * mib,
    heapUsed: 40 * mib,
    heapTotal: 50 * mib,
    external: 30 * mib,
    arrayBuffers: 20 * mib,
    rssFile: 10 * mib,
    childrenRss: (100 + atSec) * mib,
  })

  it('gives each fifth its RSS peak with the split, and the children apart', () => {
    const samples = Array.from({ length: 100 }, (_, k) => sample(k + 1, 200 + (k % 20)))
    const fifths = memoryByFifths(samples, 100)
    expect(fifths.map((f) => [f.fromSec, f.toSec])).toEqual([
      [0, 20],
      [20, 40],
      [40, 60],
      [60, 80],
      [80, 100],
    ])
    expect(fifths.map((f) => f.peak.rss / mib)).toEqual([219, 219, 219, 219, 219])
    expect(fifths.map((f) => f.rssMin / mib)).toEqual([200, 200, 200, 200, 200])
    expect(fifths.map((f) => f.childrenRssMax! / mib)).toEqual([120, 140, 160, 180, 200])
    expect(nativeRest(fifths[0]!.peak) / mib).toBe(219 - 50 - 30 - 10)
    expect(describeSplit(fifths[0]!)).toBe(
      'MiB (least 200): JS heap 50 (used 40), external 30 (ArrayBuffers 20), file-backed 10, native rest 129; child processes 120 MiB',
    )
  })

  it('leaves out a fifth without samples', () => {
    expect(memoryByFifths([sample(5, 100), sample(95, 120)], 100).map((f) => f.fromSec)).toEqual([0, 80])
  })

  it('samples this process', () => {
    const now = sampleMemory(1.5)
    expect(now.atSec).toBe(1.5)
    expect(now.rss).toBeGreaterThan(now.heapUsed)
    expect(now.external).toBeGreaterThanOrEqual(now.arrayBuffers)
  })
})
