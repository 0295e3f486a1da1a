/**
 * Segmentation scores the way DVEFormer's tables (and the demo pack's evaluation.json) compute them:
 * one dataset-level confusion matrix (rows = ground truth, columns = prediction), void ignored, IoU
 * per class, and the mean over the classes that occur in the ground truth of the evaluated frames.
 * A class that is only predicted has IoU 0 but is not averaged: it did not occur in the data.
 */
import type { ClassIou } from '../../contract'

export interface ScoreSummary {
  /** Mean IoU over classes with ground-truth pixels. */
  miou: number
  /** IoU weighted by each class's share of the ground-truth pixels. */
  frequencyWeightedIou: number
  pixelAccuracy: number
  classes: ClassIou[]
}

/** mIoU and pixel accuracy from per-class ground-truth, predicted and true-positive pixel counts. */
export function scoresFromCounts(
  names: string[],
  gt: ArrayLike<number>,
  predicted: ArrayLike<number>,
  tp: ArrayLike<number>,
): ScoreSummary {
  let total = 0
  let diagonal = 0
  for (let c = 0; c < names.length; c++) {
    total += gt[c] as number
    diagonal += tp[c] as number
  }
  let iouSum = 0
  let averaged = 0
  let weighted = 0
  const classes: ClassIou[] = names.map((name, c) => {
    const gtPixels = gt[c] as number
    const predictedPixels = predicted[c] as number
    const union = gtPixels + predictedPixels - (tp[c] as number)
    const iou = union > 0 ? (tp[c] as number) / union : null
    const inMean = gtPixels > 0
    if (inMean) {
      iouSum += iou as number
      averaged++
      weighted += (gtPixels / total) * (iou as number)
    }
    return { name, iou, gtPixels, predictedPixels, inMean }
  })
  return {
    miou: averaged ? iouSum / averaged : 0,
    frequencyWeightedIou: weighted,
    pixelAccuracy: total > 0 ? diagonal / total : 0,
    classes,
  }
}

export class ConfusionMatrix {
  readonly counts: Float64Array

  constructor(readonly classCount: number) {
    this.counts = new Float64Array(classCount * classCount)
  }

  /**
   * Adds one frame. `gtClass`: class index per pixel or −1 (void / unmatched, ignored); `predicted`:
   * class index per pixel. Returns the frame's own scores (over the classes in its ground truth).
   */
  add(gtClass: Int32Array, predicted: ArrayLike<number>, names: string[]): ScoreSummary {
    const C = this.classCount
    const gt = new Float64Array(C)
    const pred = new Float64Array(C)
    const tp = new Float64Array(C)
    for (let i = 0; i < gtClass.length; i++) {
      const g = gtClass[i] as number
      if (g < 0) continue
      const p = predicted[i] as number
      this.counts[g * C + p] = (this.counts[g * C + p] as number) + 1
      gt[g] = (gt[g] as number) + 1
      pred[p] = (pred[p] as number) + 1
      if (g === p) tp[g] = (tp[g] as number) + 1
    }
    return scoresFromCounts(names, gt, pred, tp)
  }

  summary(names: string[]): ScoreSummary {
    const C = this.classCount
    const gt = new Float64Array(C)
    const pred = new Float64Array(C)
    const tp = new Float64Array(C)
    for (let g = 0; g < C; g++) {
      for (let p = 0; p < C; p++) {
        const n = this.counts[g * C + p] as number
        gt[g] = (gt[g] as number) + n
        pred[p] = (pred[p] as number) + n
      }
      tp[g] = this.counts[g * C + g] as number
    }
    return scoresFromCounts(names, gt, pred, tp)
  }

  /** The matrix with rows and columns in `order` (old class index per new position). */
  reordered(order: number[]): number[] {
    const C = this.classCount
    return order.flatMap((g) => order.map((p) => this.counts[g * C + p] as number))
  }
}

/** Session label id → class index by case-insensitive name; void (id 0) and unknown names map to −1. */
export function labelIdToClass(
  labelClasses: Array<{ id: number; name: string }>,
  classNames: string[],
): { table: Int32Array; unmatched: string[] } {
  const byName = new Map(classNames.map((n, k) => [n.trim().toLowerCase(), k]))
  const maxId = labelClasses.reduce((m, c) => Math.max(m, c.id), 0)
  const table = new Int32Array(maxId + 1).fill(-1)
  const unmatched: string[] = []
  for (const c of labelClasses) {
    if (c.id === 0) continue
    const k = byName.get(c.name.trim().toLowerCase())
    if (k === undefined) unmatched.push(c.name)
    else table[c.id] = k
  }
  return { table, unmatched }
}

export function mapLabels(labels: Uint16Array, table: Int32Array): Int32Array {
  return Int32Array.from(labels, (v) => (v < table.length ? (table[v] as number) : -1))
}
