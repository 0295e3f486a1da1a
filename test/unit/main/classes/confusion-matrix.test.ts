import { describe, expect, it } from 'vitest'
import { ConfusionMatrix, labelIdToClass, mapLabels } from '../../../../src-main/services/classes/confusion-matrix'
import { matchOfficialList } from '../../../../src-main/services/classes/official-class-lists'
import { nyuv2Names, scannet20Names } from '../../../../src-main/services/classes/builtin-class-sets'

const names = ['a', 'b', 'c', 'd']

describe("confusion matrix: the papers' protocol", () => {
  it('averages IoU over the classes present in the ground truth of all frames, ignoring void', () => {
    // Two frames over classes a, b, c, d (−1 = void). d never occurs in the ground truth but is
    // predicted on frame 1; c occurs only in frame 2.
    const matrix = new ConfusionMatrix(4)
    const frame1 = matrix.add(
      Int32Array.from([0, 0, 0, 0, 1, 1, -1, -1]),
      Uint16Array.from([0, 0, 0, 3, 1, 0, 2, 2]),
      names,
    )
    const frame2 = matrix.add(Int32Array.from([1, 1, 2, 2, -1]), Uint16Array.from([1, 1, 2, 0, 3]), names)
    // Dataset counts, rows = truth: a→[a 3, d 1], b→[a 1, b 3], c→[a 1, c 1]; d has no row.
    // IoU a = 3 / (4 + 5 − 3) = 1/2, b = 3 / (4 + 3 − 3) = 3/4, c = 1 / (2 + 1 − 1) = 1/2, d = 0 / 1 = 0.
    const summary = matrix.summary(names)
    expect(summary.classes.map((c) => c.iou)).toEqual([1 / 2, 3 / 4, 1 / 2, 0])
    expect(summary.classes.map((c) => c.inMean)).toEqual([true, true, true, false])
    expect(summary.classes.map((c) => c.gtPixels)).toEqual([4, 4, 2, 0])
    expect(summary.classes.map((c) => c.predictedPixels)).toEqual([5, 3, 1, 1])
    // d is predicted but absent: not in the mean (the old "union" protocol would divide by 4).
    expect(summary.miou).toBeCloseTo((1 / 2 + 3 / 4 + 1 / 2) / 3, 12)
    expect(summary.frequencyWeightedIou).toBeCloseTo((4 / 10) * (1 / 2) + (4 / 10) * (3 / 4) + (2 / 10) * (1 / 2), 12)
    expect(summary.pixelAccuracy).toBeCloseTo(7 / 10, 12)
    // Each frame alone: frame 1 has a and b (a 3/5, b 1/2), frame 2 has b and c (b 1, c 1/2).
    expect(frame1.miou).toBeCloseTo((3 / 5 + 1 / 2) / 2, 12)
    expect(frame2.miou).toBeCloseTo((1 + 1 / 2) / 2, 12)
    expect(frame1.pixelAccuracy).toBeCloseTo(4 / 6, 12)
    // The dataset mean is not the mean of the frames' means.
    expect(summary.miou).not.toBeCloseTo((frame1.miou + frame2.miou) / 2, 3)
  })

  it('gives null IoU to a class neither in the truth nor predicted, and reorders the matrix', () => {
    const matrix = new ConfusionMatrix(3)
    matrix.add(Int32Array.from([0, 1, 1]), Uint16Array.from([0, 1, 0]), ['a', 'b', 'c'])
    const summary = matrix.summary(['a', 'b', 'c'])
    expect(summary.classes[2]).toMatchObject({ iou: null, inMean: false })
    expect(matrix.reordered([0, 1, 2])).toEqual([1, 0, 0, 1, 1, 0, 0, 0, 0])
    expect(matrix.reordered([1, 0])).toEqual([1, 1, 0, 1])
  })

  it('maps session label ids to classes by name, case-insensitively, reporting unmatched names', () => {
    const { table, unmatched } = labelIdToClass(
      [
        { id: 0, name: 'void' },
        { id: 1, name: 'Sofa' },
        { id: 2, name: 'lamp' },
        { id: 4, name: 'bed' },
      ],
      ['bed', 'sofa'],
    )
    expect(Array.from(table)).toEqual([-1, 1, -1, -1, 0])
    expect(unmatched).toEqual(['lamp'])
    expect(Array.from(mapLabels(Uint16Array.from([0, 1, 2, 4, 9]), table))).toEqual([-1, 1, -1, 0, -1])
  })
})

describe('official class lists', () => {
  it("recognises a set holding exactly a dataset's names, in any order, and gives the list's order", () => {
    const shuffled = [...scannet20Names].reverse().map((n) => n.toUpperCase())
    const match = matchOfficialList('user-my-scannet', shuffled)
    expect(match?.list.name).toBe('ScanNet-20')
    expect(match?.order.map((k) => shuffled[k]?.toLowerCase())).toEqual(scannet20Names)
    expect(matchOfficialList('sunrgbd-37', nyuv2Names.slice(0, 37))?.list.id).toBe('sunrgbd-37')
    expect(matchOfficialList('nyuv2-40', nyuv2Names)?.list.id).toBe('nyuv2-40')
    expect(matchOfficialList('user-scannet-40-copy', nyuv2Names)?.list.id).toBe('scannet-40')
    expect(matchOfficialList('demo', ['sofa', 'wall'])).toBeNull()
    expect(matchOfficialList('x', scannet20Names.slice(1))).toBeNull()
  })
})
