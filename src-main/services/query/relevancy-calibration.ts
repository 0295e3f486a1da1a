/**
 * Calibrates a pack's relevancy threshold on a recording with ground-truth labels: for every class
 * of the pack's vocabulary, the per-frame decision (index cells, as the search makes it) is compared
 * with the frames whose labels show the class, and the threshold with the best F1 over all
 * (class, frame) pairs wins. Classes absent from the recording count too: every frame is a negative.
 */

/** A frame shows a class when its labels cover at least this fraction of the frame. */
export const shownFraction = 0.01
/** Frames where the class covers less than this (but some) are left out: a glimpse is neither a hit nor a miss. */
export const glimpseFraction = 0.001

export interface ClassEvidence {
  name: string
  relevancyByFrame: number[]
  /** Per frame: true = shown, false = not there, null = a glimpse (not scored). */
  truth: Array<boolean | null>
}

export interface ClassFigures {
  name: string
  present: boolean
  /** Per-frame precision and recall at the chosen threshold (null where undefined). */
  precision: number | null
  recall: number | null
  /** Highest per-frame relevancy in frames without the class. */
  peakWhereAbsent: number
}

export interface Calibration {
  threshold: number
  f1: number
  precision: number
  recall: number
  classes: ClassFigures[]
}

const candidates = Array.from({ length: 50 }, (_, i) => Math.round((0.5 + i * 0.01) * 100) / 100)

export function calibrateThreshold(evidence: ClassEvidence[]): Calibration {
  let best: { threshold: number; f1: number; precision: number; recall: number } | null = null
  for (const threshold of candidates) {
    const total = evidence
      .map((c) => counts(c, threshold))
      .reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, peakWhereAbsent: 0 }))
    const precision = total.tp + total.fp > 0 ? total.tp / (total.tp + total.fp) : 1
    const recall = total.tp + total.fn > 0 ? total.tp / (total.tp + total.fn) : 1
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
    if (!best || f1 > best.f1) best = { threshold, f1, precision, recall }
  }
  const chosen = best as NonNullable<typeof best>
  return {
    ...chosen,
    classes: evidence.map((c) => {
      const { tp, fp, fn, peakWhereAbsent } = counts(c, chosen.threshold)
      return {
        name: c.name,
        present: c.truth.some((t) => t === true),
        precision: tp + fp > 0 ? tp / (tp + fp) : null,
        recall: tp + fn > 0 ? tp / (tp + fn) : null,
        peakWhereAbsent,
      }
    }),
  }
}

function counts(c: ClassEvidence, threshold: number): { tp: number; fp: number; fn: number; peakWhereAbsent: number } {
  let tp = 0,
    fp = 0,
    fn = 0,
    peakWhereAbsent = 0
  c.relevancyByFrame.forEach((r, f) => {
    const truth = c.truth[f]
    if (truth === null || truth === undefined) return
    if (!truth) peakWhereAbsent = Math.max(peakWhereAbsent, r)
    if (r >= threshold && truth) tp++
    else if (r >= threshold) fp++
    else if (truth) fn++
  })
  return { tp, fp, fn, peakWhereAbsent }
}
