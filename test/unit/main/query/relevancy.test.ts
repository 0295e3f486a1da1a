import { describe, expect, it } from 'vitest'
import { relevancyColor, relevancyColormapLut } from '../../../../src-main/contract'
import { relevancyFromScores, relevancyInPlace, relevancyOf } from '../../../../src-main/services/query/relevancy'

describe('relevancy against negatives', () => {
  it('equals the minimum pairwise softmax over the negatives (LERF)', () => {
    const temperature = 10
    for (const [query, negatives] of [
      [0.3, [0.1, 0.25, -0.2]],
      [0.1, [0.4, 0.2]],
      [0.8, [0.79]],
    ] as const) {
      const pairwise = negatives.map(
        (n) => Math.exp(temperature * query) / (Math.exp(temperature * query) + Math.exp(temperature * n)),
      )
      const scores = new Float32Array([query, ...negatives])
      expect(relevancyFromScores(scores, 1, negatives.length, temperature)[0]).toBeCloseTo(Math.min(...pairwise), 5)
    }
  })

  it('is 0.5 when the query is exactly as close as the closest negative', () => {
    expect(relevancyOf(0.42, 0.42, 10)).toBe(0.5)
  })

  it('maps raw cosine to [0, 1] when there are no negatives', () => {
    expect([...relevancyFromScores(new Float32Array([-1, 0, 1]), 3, 0, 10)]).toEqual([0, 0.5, 1])
  })
})

describe('relevancyInPlace (the table the map uses for a million voxels)', () => {
  it('agrees with relevancyOf within 1e-5 at temperatures 10 and 100, at the ends and beyond them', () => {
    const n = 20_000
    for (const temperature of [10, 100]) {
      const query = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 1.2)
      const negative = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 78.233) * 1.2)
      query.set([1, -1, 0.99, 1], 0)
      negative.set([-1, 1, -1.5, 1], 0)
      const expected = Array.from(query, (q, i) => relevancyOf(q, negative[i]!, temperature))
      const table = relevancyInPlace(query, negative, temperature)
      let worst = 0
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(table[i]! - expected[i]!))
      expect(worst).toBeLessThan(1e-5)
      expect(table[3]).toBeCloseTo(0.5, 6)
    }
  })

  it('keeps a missing cosine missing', () => {
    expect(relevancyInPlace(Float32Array.of(Number.NaN, 0.3), Float32Array.of(0.2, 0.3), 10)[0]).toBeNaN()
  })
})

describe('relevancy colormap (turbo)', () => {
  it('runs from near black through blue and green to dark red, clamping outside [0, 1]', () => {
    expect(relevancyColor(0).reduce((a, b) => a + b)).toBeLessThan(120)
    const [rLow, gLow, bLow] = relevancyColor(0.1)
    const [rMid, gMid] = relevancyColor(0.5)
    const [r1, g1, b1] = relevancyColor(1)
    expect(bLow).toBeGreaterThan(rLow + 100)
    expect(bLow).toBeGreaterThan(gLow + 100)
    expect(gMid).toBeGreaterThan(150)
    expect(gMid).toBeGreaterThan(rMid * 0.6)
    expect(r1).toBeGreaterThan(g1 + 50)
    expect(r1).toBeGreaterThan(b1 + 50)
    expect(relevancyColor(-3)).toEqual(relevancyColor(0))
    expect(relevancyColor(Number.NaN)).toEqual(relevancyColor(0))
    expect(relevancyColor(7)).toEqual(relevancyColor(1))
  })

  it('gives the same colours in the LUT the 3D map and the heatmap sample', () => {
    const lut = relevancyColormapLut(256)
    expect(lut).toHaveLength(1024)
    expect([...lut.subarray(255 * 4, 256 * 4)]).toEqual([...relevancyColor(1), 255])
    expect([...lut.subarray(128 * 4, 129 * 4)]).toEqual([...relevancyColor(128 / 255), 255])
  })
})
