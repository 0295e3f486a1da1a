/** Keyframes of a live map: how far a view is from the views fused, and which of a window's frames is fused. */
import { describe, expect, it } from 'vitest'
import { chooseKeyframe, poseNovelty } from '../../../../src-main/services/mapping/keyframe-choice'

const move = { meters: 0.3, degrees: 20 }

/** worldFromCamera, row-major: turned `degrees` about the vertical (y) axis, at (x, 0, z). */
function pose(x: number, z: number, degrees = 0): number[] {
  const a = (degrees * Math.PI) / 180
  const [c, s] = [Math.cos(a), Math.sin(a)]
  return [c, 0, s, x, 0, 1, 0, 0, -s, 0, c, z, 0, 0, 0, 1]
}

describe('keyframe choice', () => {
  it('measures a view against the nearest fused one, in units of the move, translation or turn', () => {
    expect(poseNovelty(pose(0, 0), [], move)).toBe(Infinity)
    expect(poseNovelty(pose(0.6, 0), [pose(0, 0)], move)).toBeCloseTo(2, 6)
    expect(poseNovelty(pose(0, 0, 10), [pose(0, 0)], move)).toBeCloseTo(0.5, 6)
    // the larger of the two counts: 0.15 m (0.5) and 30° (1.5)
    expect(poseNovelty(pose(0.15, 0, 30), [pose(0, 0)], move)).toBeCloseTo(1.5, 6)
    // the nearest of several fused views decides
    expect(poseNovelty(pose(1, 0), [pose(0, 0), pose(1.09, 0), pose(3, 0)], move)).toBeCloseTo(0.3, 6)
  })

  it('takes the newest of the most novel candidates, none when all are seen, and a frame without a usable pose as it is', () => {
    const poses: Record<number, number[] | null> = {
      1: pose(0.05, 0),
      2: pose(0.9, 0),
      3: pose(0.9, 0),
      4: pose(0, 0, 5),
      5: null,
      6: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2],
    }
    const poseOf = (i: number) => poses[i] ?? null
    const fused = [pose(0, 0)]
    expect(chooseKeyframe([1, 2, 3, 4], poseOf, fused, move)).toBe(3)
    expect(chooseKeyframe([1, 4], poseOf, fused, move)).toBeNull()
    expect(chooseKeyframe([1, 5, 2], poseOf, fused, move)).toBe(5)
    expect(chooseKeyframe([6, 2], poseOf, fused, move)).toBe(6)
    // nothing fused yet: every view is new, and the newest is taken
    expect(chooseKeyframe([1, 4], poseOf, [], move)).toBe(4)
  })
})
