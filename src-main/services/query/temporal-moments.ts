/**
 * From per-frame relevancy to evidence: visits (runs of frames that pass the threshold) and the
 * moments shown under the answer, so "seen N times", "last seen" and the pictures come from the
 * same per-frame decisions.
 */
import type { QueryMoment, QuerySighting } from '../../contract'
import { passes } from './query-scoring'

/**
 * Runs of frames at or above `threshold`, in time order; runs separated by less than `gapSec` are
 * one visit, so a brief dip (motion blur, occlusion, a glance away) does not count as a second one.
 */
export function visits(
  relevancyByFrame: ArrayLike<number>,
  timestampsSec: ArrayLike<number>,
  threshold: number,
  gapSec: number,
): QuerySighting[] {
  const runs: QuerySighting[] = []
  for (let i = 0; i < relevancyByFrame.length; i++) {
    const relevancy = relevancyByFrame[i] as number
    if (!passes(relevancy, threshold)) continue
    const timestampSec = timestampsSec[i] as number
    const last = runs[runs.length - 1]
    if (last && timestampSec - last.endSec < gapSec) {
      last.lastFrame = i
      last.endSec = timestampSec
      if (relevancy > last.relevancy) {
        last.relevancy = relevancy
        last.bestFrame = i
        last.bestSec = timestampSec
      }
    } else {
      runs.push({
        firstFrame: i,
        lastFrame: i,
        bestFrame: i,
        bestSec: timestampSec,
        startSec: timestampSec,
        endSec: timestampSec,
        relevancy,
      })
    }
  }
  return runs
}

/**
 * The moments to show: the best frame of every visit, in time order ('seen'), then, up to `top`
 * in all, the best frames below the threshold ('possible', best first, none within `minGapSec` of
 * another moment).
 */
export function evidenceMoments(
  relevancyByFrame: ArrayLike<number>,
  timestampsSec: ArrayLike<number>,
  found: QuerySighting[],
  top: number,
  minGapSec: number,
): QueryMoment[] {
  const moments: QueryMoment[] = found.map((v) => ({
    frameIndex: v.bestFrame,
    timestampSec: v.bestSec,
    relevancy: v.relevancy,
    decision: 'seen',
  }))
  const order = Array.from({ length: relevancyByFrame.length }, (_, i) => i).sort(
    (a, b) => (relevancyByFrame[b] as number) - (relevancyByFrame[a] as number),
  )
  for (const frameIndex of order) {
    if (moments.length >= top) break
    const relevancy = relevancyByFrame[frameIndex] as number
    // Every frame that passes lies in a visit, so what is left is below the threshold.
    if (found.some((v) => frameIndex >= v.firstFrame && frameIndex <= v.lastFrame)) continue
    const timestampSec = timestampsSec[frameIndex] as number
    if (moments.some((m) => Math.abs(m.timestampSec - timestampSec) < minGapSec)) continue
    moments.push({ frameIndex, timestampSec, relevancy, decision: 'possible' })
  }
  return moments
}
