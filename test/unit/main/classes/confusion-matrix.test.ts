import { describe, expect, it } from 'vitest'
import { ConfusionMatrix, labelIdToClass, mapLabels } from '../../../../src-main/services/classes/confusion-matrix'

describe('confusion matrix mIoU', () => {
  it('matches a hand-computed example and ignores void', () => {
    // Ground truth (−1 = void) and prediction over 10 pixels, classes a, b, c.
    const gt = Int32Array.from([0, 0, 0, 0, 1, 1, 1, -1, -1, 2])
    const pred = Uint16Array.from([0, 0, 0, 1, 1, 1, 0, 2, 2, 1])
    const matrix = new ConfusionMatrix(3)
    matrix.add(gt, pred)
    const summary = matrix.summary(['a', 'b', 'c'])
    // a: TP 3, FN 1, FP 1 → 3/5. b: TP 2, FN 1, FP 2 → 2/5. c: TP 0, FN 1, FP 0 → 0.
    expect(summary.classes.map((c) => c.iou)).toEqual([3 / 5, 2 / 5, 0])
    expect(summary.miou).toBeCloseTo((3 / 5 + 2 / 5 + 0) / 3, 12)
    expect(summary.pixelAccuracy).toBeCloseTo(5 / 8, 12)
    expect(summary.classes.map((c) => c.gtPixels)).toEqual([4, 3, 1])
  })

  it('leaves classes absent from truth and prediction out of the mean', () => {
    const matrix = new ConfusionMatrix(3)
    matrix.add(Int32Array.from([0, 1]), Uint16Array.from([0, 1]))
    const summary = matrix.summary(['a', 'b', 'c'])
    expect(summary.classes[2]?.iou).toBeNull()
    expect(summary.miou).toBe(1)
  })

  it('maps session label ids to classes by name, case-insensitively, reporting unmatched names', () => {
    const { table, unmatched } = labelIdToClass(
      [{ id: 0, name: 'void' }, { id: 1, name: 'Sofa' }, { id: 2, name: 'lamp' }, { id: 4, name: 'bed' }],
      ['bed', 'sofa'],
    )
    expect(Array.from(table)).toEqual([-1, 1, -1, -1, 0])
    expect(unmatched).toEqual(['lamp'])
    expect(Array.from(mapLabels(Uint16Array.from([0, 1, 2, 4, 9]), table))).toEqual([-1, 1, -1, 0, -1])
  })
})
