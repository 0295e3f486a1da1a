import { describe, expect, it } from 'vitest'
import { parseFrames } from '../../../../src-main/cli/commands/infer'

describe('dve infer --frames', () => {
  it('parses a:b, :b, a: and rejects the rest', () => {
    expect(parseFrames('10:50')).toEqual({ start: 10, end: 50 })
    expect(parseFrames(':7')).toEqual({ start: 0, end: 7 })
    expect(parseFrames('3:')).toEqual({ start: 3, end: null })
    expect(parseFrames(undefined)).toBeUndefined()
    expect(() => parseFrames('5:2')).toThrow(/end must be greater than the start/)
    expect(() => parseFrames('five')).toThrow(/not a range like 10:50/)
  })
})
