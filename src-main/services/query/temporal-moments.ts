/** Turns a relevancy-over-time series into top moments (NMS over time) and sightings (runs above threshold). */
import type { QueryMoment, QuerySighting } from '../../contract'

/** Best frames first; a frame within `minGapSec` of an already chosen one is suppressed. */
export function topMoments(relevancyByFrame: ArrayLike<number>, timestampsSec: ArrayLike<number>, top: number, minGapSec: number): QueryMoment[] {
  const order = Array.from({ length: relevancyByFrame.length }, (_, i) => i).sort(
    (a, b) => (relevancyByFrame[b] as number) - (relevancyByFrame[a] as number),
  )
  const chosen: QueryMoment[] = []
  for (const frameIndex of order) {
    if (chosen.length >= top) break
    const timestampSec = timestampsSec[frameIndex] as number
    if (chosen.some((m) => Math.abs(m.timestampSec - timestampSec) < minGapSec)) continue
    chosen.push({ frameIndex, timestampSec, relevancy: relevancyByFrame[frameIndex] as number })
  }
  return chosen
}

/**
 * Runs of frames at or above `threshold`, in time order; runs separated by less than `minGapSec`
 * are one sighting, so a brief dip (motion blur, occlusion) does not count as a second sighting.
 */
export function sightings(relevancyByFrame: ArrayLike<number>, timestampsSec: ArrayLike<number>, threshold: number, minGapSec: number): QuerySighting[] {
  const runs: QuerySighting[] = []
  for (let i = 0; i < relevancyByFrame.length; i++) {
    const relevancy = relevancyByFrame[i] as number
    if (!(relevancy >= threshold)) continue
    const timestampSec = timestampsSec[i] as number
    const last = runs[runs.length - 1]
    if (last && timestampSec - last.endSec < minGapSec) {
      last.lastFrame = i
      last.endSec = timestampSec
      if (relevancy > last.relevancy) {
        last.relevancy = relevancy
        last.bestFrame = i
        last.bestSec = timestampSec
      }
    } else {
      runs.push({ firstFrame: i, lastFrame: i, bestFrame: i, bestSec: timestampSec, startSec: timestampSec, endSec: timestampSec, relevancy })
    }
  }
  return runs
}
