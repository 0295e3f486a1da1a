/** mIoU from a confusion matrix (rows = ground truth, columns = prediction), void ignored. */
import type { ClassIou } from '../../contract'

export class ConfusionMatrix {
  readonly counts: Float64Array

  constructor(readonly classCount: number) {
    this.counts = new Float64Array(classCount * classCount)
  }

  /** `gtClass`: class index per pixel or −1 (void / unmatched, ignored); `predicted`: class index per pixel. */
  add(gtClass: Int32Array, predicted: Uint16Array): void {
    const C = this.classCount
    for (let i = 0; i < gtClass.length; i++) {
      const g = gtClass[i] as number
      if (g < 0) continue
      const p = predicted[i] as number
      this.counts[g * C + p] = (this.counts[g * C + p] as number) + 1
    }
  }

  /** IoU per class (null where the class is neither in the ground truth nor predicted), mean over the rest. */
  summary(names: string[]): { miou: number; pixelAccuracy: number; classes: ClassIou[] } {
    const C = this.classCount
    let diagonal = 0
    let total = 0
    const classes: ClassIou[] = names.map((name, c) => {
      let gtPixels = 0
      let predicted = 0
      for (let k = 0; k < C; k++) {
        gtPixels += this.counts[c * C + k] as number
        predicted += this.counts[k * C + c] as number
      }
      const tp = this.counts[c * C + c] as number
      diagonal += tp
      total += gtPixels
      const union = gtPixels + predicted - tp
      return { name, iou: union > 0 ? tp / union : null, gtPixels }
    })
    const present = classes.filter((c) => c.iou !== null)
    return {
      miou: present.length ? present.reduce((s, c) => s + (c.iou as number), 0) / present.length : 0,
      pixelAccuracy: total > 0 ? diagonal / total : 0,
      classes,
    }
  }
}

/** Session label id → class index by case-insensitive name; void (id 0) and unknown names map to −1. */
export function labelIdToClass(labelClasses: Array<{ id: number; name: string }>, classNames: string[]): { table: Int32Array; unmatched: string[] } {
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
