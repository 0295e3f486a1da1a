/**
 * Calibrates a pack's relevancy threshold on a recording with ground-truth labels: for every class
 * of the pack's vocabulary, the per-frame decision (index cells, as the search makes it) is compared
 * with the frames whose labels show the class, and the threshold with the best F1 over all
 * (class, frame) pairs wins. Classes absent from the recording count too: every frame is a negative.
 * The pooled F1 is ruled by the many frames of walls, doors and shelves, so a small class whose
 * relevancy runs a few hundredths lower would be cut off whole ("where is the bin": not seen);
 * thresholds that leave a class shown in the recording under `classRecallFloor` of its frames only
 * win when no threshold keeps every class above it.
 */

/** A frame shows a class when its labels cover at least this fraction of the frame. */
export const shownFraction = 0.01
/** Frames where the class covers less than this (but some) are left out: a glimpse is neither a hit nor a miss. */
export const glimpseFraction = 0.001
/** Every class shown in the recording should pass in at least this share of its frames: a fifth gives an answer its moments. */
export const classRecallFloor = 0.2

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
  /** The per-class recall floor and whether the chosen threshold keeps every shown class above it. */
  classRecallFloor: number
  floorMet: boolean
  classes: ClassFigures[]
}

const candidates = Array.from({ length: 50 }, (_, i) => Math.round((0.5 + i * 0.01) * 100) / 100)

export function calibrateThreshold(evidence: ClassEvidence[]): Calibration {
  const scored = candidates.map((threshold) => {
    const perClass = evidence.map((c) => counts(c, threshold))
    const total = perClass.reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, peakWhereAbsent: 0 }))
    const precision = total.tp + total.fp > 0 ? total.tp / (total.tp + total.fp) : 1
    const recall = total.tp + total.fn > 0 ? total.tp / (total.tp + total.fn) : 1
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
    const floorMet = perClass.every((k) => k.tp + k.fn === 0 || k.tp / (k.tp + k.fn) >= classRecallFloor)
    return { threshold, f1, precision, recall, floorMet, perClass }
  })
  const pool = scored.some((s) => s.floorMet) ? scored.filter((s) => s.floorMet) : scored
  const { perClass, ...chosen } = pool.reduce((best, s) => (s.f1 > best.f1 ? s : best))
  return {
    ...chosen,
    classRecallFloor,
    classes: evidence.map((c, i) => {
      const { tp, fp, fn, peakWhereAbsent } = perClass[i]!
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
