import { describe, expect, it } from 'vitest'
import {
  colorizeDepth,
  depthColor,
  legendTicks,
  noDepthColor,
} from '../../../src-renderer/src/components/player/depth-colormap'
import { colorizeLabels, labelPalette } from '../../../src-renderer/src/components/player/label-colors'
import { pointInCamera, transformPoint } from '../../../src-renderer/src/components/player/back-project'

describe('depth colour scale', () => {
  it('maps the near limit to the start of viridis, the far limit to its end, holes to the no-depth colour', () => {
    // matplotlib's viridis at 0, 0.5 and 1 (#440154, #21918c, #fde725); the polynomial fit is within a few units.
    const reference: Array<[number, [number, number, number]]> = [
      [0, [68, 1, 84]],
      [0.5, [33, 145, 140]],
      [1, [253, 231, 37]],
    ]
    for (const [t, rgb] of reference)
      depthColor(t).forEach((c, i) => expect(Math.abs(c - rgb[i]!)).toBeLessThanOrEqual(5))
    const out = new Uint8ClampedArray(4 * 4)
    // 1 mm units, range 1–3 m: raw 1000 → near, 3000 → far, 5000 → clamped far, 0 → hole.
    colorizeDepth(new Uint16Array([1000, 3000, 5000, 0]), 0.001, 1, 3, out)
    expect([...out.subarray(0, 4)]).toEqual([...depthColor(0), 255])
    expect([...out.subarray(4, 8)]).toEqual([...depthColor(1), 255])
    expect([...out.subarray(8, 12)]).toEqual([...depthColor(1), 255])
    expect([...out.subarray(12, 16)]).toEqual([...noDepthColor, 255])
  })

  it('offers turbo and grey: turbo from dark blue through green to dark red, grey dark near and light far', () => {
    // Turbo runs blue → green-yellow → red (its polynomial fit): check the hue order, not exact values.
    const near = depthColor(0.1, 'turbo')
    const middle = depthColor(0.5, 'turbo')
    const far = depthColor(1, 'turbo')
    expect(near[2]).toBeGreaterThan(near[0]) // blue end
    expect(middle[1]).toBeGreaterThan(Math.max(middle[0], middle[2]) - 40) // green-yellow middle
    expect(far[0]).toBeGreaterThan(far[2] + 50) // red end
    expect(depthColor(0, 'grey')).toEqual([40, 40, 40])
    expect(depthColor(1, 'grey')).toEqual([255, 255, 255])
    const out = new Uint8ClampedArray(8)
    colorizeDepth(new Uint16Array([1000, 3000]), 0.001, 1, 3, out, 'grey')
    expect([...out]).toEqual([40, 40, 40, 255, 255, 255, 255, 255])
  })

  it('puts legend ticks on round metres inside the range', () => {
    expect(legendTicks(0.62, 4.97, 7)).toEqual([1, 2, 3, 4])
    expect(legendTicks(0.3, 1.2, 5)).toEqual([0.5, 0.75, 1])
    expect(legendTicks(2, 2)).toEqual([2])
  })
})

describe('label colours', () => {
  it('uses the session classes and distinct fallbacks; void is dark', () => {
    const palette = labelPalette([{ id: 2, name: 'sofa', color: [0, 128, 128] }], 3)
    const out = new Uint8ClampedArray(4 * 3)
    colorizeLabels(new Uint16Array([0, 2, 3]), palette, out)
    expect([...out.subarray(4, 7)]).toEqual([0, 128, 128])
    expect([...out.subarray(0, 3)]).toEqual([16, 16, 20])
    expect([...out.subarray(8, 11)]).not.toEqual([...out.subarray(4, 7)])
  })
})

describe('back-projection', () => {
  it('follows the pinhole model and applies a row-major pose', () => {
    const p = pointInCamera({ fx: 500, fy: 500, cx: 320, cy: 240 }, 420, 140, 2)
    expect(p).toEqual([0.4, -0.4, 2])
    // 90° about z, then +1 m in x: (x, y, z) → (1 - y, x, z).
    expect(transformPoint([0, -1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], p)).toEqual([1.4, 0.4, 2])
  })
})
