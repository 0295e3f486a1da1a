import { describe, expect, it } from 'vitest'
import { decodeHalf, encodeHalf, toHalf } from '../../../../src-main/services/inference/float16'

describe('float16', () => {
  it('encodes known values', () => {
    expect(toHalf(1)).toBe(0x3c00)
    expect(toHalf(-2)).toBe(0xc000)
    expect(toHalf(65504)).toBe(0x7bff)
    expect(toHalf(70000)).toBe(0x7c00)
    expect(toHalf(2 ** -24)).toBe(0x0001)
    expect(toHalf(3 * 2 ** -24)).toBe(0x0003)
    expect(toHalf(-(2 ** -14))).toBe(0x8400)
    expect(toHalf(2 ** -26)).toBe(0)
    expect(toHalf(0)).toBe(0)
    expect(toHalf(Number.NaN) & 0x7c00).toBe(0x7c00)
  })

  it('rounds to nearest (ties away from zero), carrying into the exponent', () => {
    expect(toHalf(1 + 2 ** -12)).toBe(0x3c00) // below halfway: down
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01) // above halfway: up
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c01) // a tie: away from zero
    expect(toHalf(-(1 + 2 ** -11))).toBe(0xbc01)
    expect(toHalf(2 - 2 ** -12)).toBe(0x4000) // rounds up across the exponent boundary
    expect(toHalf(65520)).toBe(0x7c00) // past the largest half: infinity
  })

  it('round-trips within half precision', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? 1e-5 : 1))
    const back = decodeHalf(encodeHalf(values))
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number
      expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25))
    }
  })
})
