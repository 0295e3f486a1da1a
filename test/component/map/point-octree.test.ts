import { describe, expect, it } from 'vitest'
import { mat4 } from 'gl-matrix'
import { buildPointOctree, chooseNodes } from '../../../src-renderer/src/render/map/point-octree'
import { seededRandom } from '../../../src-main/services/seeded-random'

/** Points on the floor and one wall of a 10 × 10 × 3 m room. */
function room(count: number): Float32Array {
  const random = seededRandom(4)
  const positions = new Float32Array(count * 3)
  for (let i = 0; i < count; i++)
    positions.set(i % 2 ? [random() * 10, random() * 10, 0] : [random() * 10, 0, random() * 3], i * 3)
  return positions
}

const count = 200_000
const positions = room(count)
const octree = buildPointOctree(positions, count, 0.01)

function viewFrom(
  eye: [number, number, number],
  target: [number, number, number],
): { viewProjection: mat4; eye: [number, number, number] } {
  const view = mat4.lookAt(mat4.create(), eye, target, [0, 0, 1])
  const projection = mat4.perspective(mat4.create(), Math.PI / 4, 1.6, 0.05, 100)
  return { viewProjection: mat4.multiply(mat4.create(), projection, view), eye }
}

describe('the point octree (level of detail)', () => {
  it('puts every point in exactly one node, nodes being contiguous ranges of the draw order', () => {
    expect([...octree.order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i))
    const ranges = octree.nodes.map((n) => [n.start, n.count]).sort((a, b) => a[0]! - b[0]!)
    let next = 0
    for (const [start, n] of ranges) {
      expect(start).toBe(next)
      next = start! + n!
    }
    expect(next).toBe(count)
  })

  it('keeps a grid subsample at the root: at most one point per root spacing cell, spread over the room', () => {
    const root = octree.nodes.find((n) => n.level === 0)!
    // The sampling grid starts at the cube's corner, the smallest coordinates.
    const origin = [0, 1, 2].map((a) =>
      positions.filter((_, k) => k % 3 === a).reduce((m, v) => Math.min(m, v), Infinity),
    )
    const cells = new Set<string>()
    for (let s = root.start; s < root.start + root.count; s++) {
      const i = octree.order[s]!
      const key = [0, 1, 2].map((a) => Math.floor((positions[i * 3 + a]! - origin[a]!) / root.spacing)).join()
      expect(cells.has(key)).toBe(false)
      cells.add(key)
    }
    // 130 m² of surface at ~8 cm spacing: thousands of points, far fewer than the map.
    expect(root.count).toBeGreaterThan(5_000)
    expect(root.count).toBeLessThan(count / 4)
    // Deeper levels are finer.
    const spacing = (level: number) => octree.nodes.find((n) => n.level === level)!.spacing
    expect(spacing(1)).toBeCloseTo(spacing(0) / 2, 6)
  })

  it('chooses nodes within the budget, coarse first, and leaves out what is behind the camera', () => {
    const { viewProjection, eye } = viewFrom([5, 5, 1.5], [9, 5, 1.5])
    const chosen = chooseNodes(octree, viewProjection, eye, 800, 50_000)
    const drawn = chosen.reduce((n, c) => n + c.node.count, 0)
    expect(drawn).toBeLessThanOrEqual(50_000)
    expect(drawn).toBeGreaterThan(10_000)
    expect(chosen.some((c) => c.node.level === 0)).toBe(true)
    // Looking towards +x from the middle of the room: no node entirely at x < 4 is drawn.
    expect(chosen.every((c) => c.node.center[0] + c.node.halfSize > 4)).toBe(true)
    // Splats of a coarse node shrink to the finest level drawn around it.
    expect(chosen.every((c) => c.splatMeters <= c.node.spacing)).toBe(true)
    const everything = chooseNodes(octree, viewProjection, eye, 800, Infinity)
    expect(everything.reduce((n, c) => n + c.node.count, 0)).toBeGreaterThan(drawn)
  })
})
