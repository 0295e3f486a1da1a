import { describe, expect, it } from 'vitest'
import { regionRuns, similarRegion } from '../../../../src-main/services/classes/similar-region'

/** 4×3 output grid, 2-d: a left block along x, a right block along y, and one x pixel cut off on the right. */
function map() {
  const along = (p: number) => (p === 0 ? [1, 0] : [0, 1])
  const grid = [0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]
  return { dim: 2, width: 4, height: 3, scaleX: 2, scaleY: 2, data: Float32Array.from(grid.flatMap(along)) }
}

describe('fill tool region', () => {
  it('grows over 4-connected pixels above the cosine threshold only', () => {
    const inside = similarRegion(map(), 0, 0, 0.9)
    expect(Array.from(inside)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
    // From the cut-off pixel (3, 0): nothing along x touches it.
    expect(Array.from(similarRegion(map(), 3, 0, 0.9)).reduce((a, b) => a + b, 0)).toBe(1)
    // A threshold below the cosine between the blocks takes everything.
    expect(Array.from(similarRegion(map(), 0, 0, -0.5)).every((v) => v === 1)).toBe(true)
  })

  it('maps the region to runs over the camera-size mask', () => {
    const inside = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
    // Camera 8×6: each output pixel is a 2×2 block; rows 0–3 hold the 4-pixel-wide run.
    expect(regionRuns(inside, 4, 3, 8, 6)).toEqual([0, 4, 1, 8, 4, 1, 16, 4, 1, 24, 4, 1])
  })
})
