import { describe, expect, it } from 'vitest'
import { poolFactor, toNormalisedHalves } from '../../../../src-main/services/inference/embedding-layout'
import { decodeHalf } from '../../../../src-main/services/inference/float16'

describe('model output → cached map', () => {
  it('transposes CHW to HWC and L2-normalises each pixel', () => {
    // dim 2, 1×3 pixels: channel 0 = [3, 0, 1], channel 1 = [4, 0, 0]
    const map = toNormalisedHalves(Float32Array.of(3, 0, 1, 4, 0, 0), 2, 1, 3, 1)
    expect([map.width, map.height]).toEqual([3, 1])
    const values = [...decodeHalf(map.halves)]
    expect(values[0]).toBeCloseTo(0.6, 3)
    expect(values[1]).toBeCloseTo(0.8, 3)
    expect(values.slice(2, 4)).toEqual([0, 0]) // an all-zero pixel stays zero
    expect(values.slice(4, 6)).toEqual([1, 0])
  })

  it('average-pools wide outputs by an integer factor before normalising', () => {
    expect(poolFactor(640, 160)).toBe(4)
    expect(poolFactor(160, 160)).toBe(1)
    // dim 1 would normalise to ±1; use dim 2 so the pooled direction is visible. 2×4 pixels, factor 2.
    const channel0 = [1, 3, 0, 0, 1, 3, 0, 0]
    const channel1 = [0, 0, 2, 2, 0, 0, 2, 2]
    const map = toNormalisedHalves(Float32Array.from([...channel0, ...channel1]), 2, 2, 4, 2)
    expect([map.width, map.height]).toEqual([2, 1])
    expect([...decodeHalf(map.halves)]).toEqual([1, 0, 0, 1])
  })

  it('handles more pixels than one tile', () => {
    const pixels = 150
    const chw = Float32Array.from({ length: 3 * pixels }, (_, i) => (i % pixels) + 1 + Math.floor(i / pixels))
    const values = decodeHalf(toNormalisedHalves(chw, 3, 1, pixels, 1).halves)
    const p = 149
    const raw = [p + 1, p + 2, p + 3]
    const norm = Math.hypot(...raw)
    raw.forEach((v, c) => expect(values[p * 3 + c]).toBeCloseTo(v / norm, 3))
  })
})
