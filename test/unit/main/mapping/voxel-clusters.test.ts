import { describe, expect, it } from 'vitest'
import { bestVoxels, clusterPins, plainScores } from '../../../../src-main/services/mapping/voxel-clusters'
import { seededRandom } from '../../../../src-main/services/seeded-random'

describe("the pins' candidate voxels", () => {
  it('are exactly the best scores, best first, when the scores bunch in one histogram bin', () => {
    const random = seededRandom(6)
    // 200 000 scores within 1e-4 of each other: a 4 096-bin cut over [0, 1] keeps all of them.
    const values = Float32Array.from({ length: 200_000 }, () => 0.6 + 1e-4 * random())
    const keep = 5000
    const got = bestVoxels({ ...plainScores(values), cutOf: () => 0.6 }, 0.6, keep)
    const want = [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b).slice(0, keep)
    expect(got).toEqual(want)
  })

  it('group neighbouring passing voxels into one pin per object, the biggest first', () => {
    const size = 0.05
    const positions: number[] = []
    const scores: number[] = []
    // A 6×6 patch and a 3-voxel line far apart, plus isolated voxels that pass but pin nothing.
    for (let x = 0; x < 6; x++) for (let y = 0; y < 6; y++) positions.push((x + 0.5) * size, (y + 0.5) * size, 0.025)
    for (let x = 0; x < 3; x++) positions.push(2 + (x + 0.5) * size, 1, 1)
    positions.push(5, 5, 5, -3, 4, 1)
    for (let i = 0; i < positions.length / 3; i++) scores.push(0.9)
    for (let i = 0; i < 50; i++) {
      positions.push(9, 9, 9 + i)
      scores.push(0.1)
    }
    const n = positions.length / 3
    const pins = clusterPins(
      { positions: Float32Array.from(positions), labels: new Uint16Array(n), voxelSizeMeters: size, labelClasses: [] },
      plainScores(Float32Array.from(scores)),
      0.5,
      5,
    )
    expect(pins.map((p) => p.voxelCount)).toEqual([36, 3])
    expect(pins[1]!.worldPoint[0]).toBeCloseTo(2.075, 5)
  })
})
