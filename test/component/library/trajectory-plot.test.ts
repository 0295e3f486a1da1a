// @vitest-environment happy-dom
/**
 * The Player's top-down trajectory: "up" from the cameras' up vectors when they agree, from the
 * positions' plane when they do not; positions and headings in metres in that plane; the current pose
 * follows the frame; a click near the path seeks to the nearest posed frame.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import TrajectoryPlot from '../../../src-renderer/src/components/player/TrajectoryPlot.vue'
import { topDownTrajectory } from '../../../src-renderer/src/components/player/top-down-trajectory'

type V = [number, number, number]
const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]

/** Row-major worldFromCamera with OpenCV camera axes: `down` is camera +y, `forward` camera +z, in world. */
function pose(position: V, forward: V, down: V): number[] {
  const right = cross(down, forward)
  return [
    right[0],
    down[0],
    forward[0],
    position[0],
    right[1],
    down[1],
    forward[1],
    position[1],
    right[2],
    down[2],
    forward[2],
    position[2],
    0,
    0,
    0,
    1,
  ]
}

/** An upright camera walking a 2 m square in a z-up world (1.5 m high), looking along its path. */
const square: V[] = [
  [0, 0, 1.5],
  [2, 0, 1.5],
  [2, 2, 1.5],
  [0, 2, 1.5],
]
const headings: V[] = [
  [1, 0, 0],
  [0, 1, 0],
  [-1, 0, 0],
  [0, -1, 0],
]
const walk = square.map((p, k) => pose(p, headings[k] as V, [0, 0, -1]))

describe('topDownTrajectory', () => {
  it('takes up from upright cameras and plots positions and headings in the ground plane, in metres', () => {
    const t = topDownTrajectory([...walk, null])
    expect(t?.upFrom).toBe('camera-up')
    expect(t?.up.map((v) => Number(v.toFixed(6)) + 0)).toEqual([0, 0, 1])
    expect(t?.axisNames).toEqual(['x', 'y'])
    expect(t?.points.slice(0, 4).map((p) => p?.map((v) => Number(v.toFixed(6)) + 0))).toEqual(
      square.map((p) => [p[0], p[1]]),
    )
    expect(t?.points[4]).toBeNull()
    expect(t?.headings.slice(0, 4).map((h) => h?.map((v) => Math.round(v) + 0))).toEqual(
      headings.map((h) => [h[0], h[1]]),
    )
    expect(t?.bounds).toEqual({ minX: 0, maxX: 2, minY: 0, maxY: 2 })
  })

  it("falls back to the positions' plane when the cameras disagree about up", () => {
    // A y-up world: positions spread over x and z at y = 1; each camera rolled another quarter turn.
    const downs: V[] = [
      [0, -1, 0],
      [1, 0, 0],
      [0, 1, 0],
      [-1, 0, 0],
      [0, -1, 0],
      [1, 0, 0],
    ]
    const positions: V[] = [
      [0, 1, 0],
      [3, 1, 0],
      [3, 1, 2],
      [0, 1, 2],
      [1, 1, 1],
      [2, 1, 0.5],
    ]
    const t = topDownTrajectory(positions.map((p, k) => pose(p, [0, 0, 1], downs[k] as V)))
    expect(t?.upFrom).toBe('principal-plane')
    expect(Math.abs(t?.up[1] ?? 0)).toBeCloseTo(1, 6)
  })

  it('has nothing to plot without poses', () => {
    expect(topDownTrajectory([null, null])).toBeNull()
  })
})

describe('TrajectoryPlot', () => {
  it('marks the current pose and seeks to the pose nearest a click', async () => {
    const wrapper = mount(TrajectoryPlot, { props: { poses: walk, index: 2 } })
    const circle = wrapper.get('[data-testid=trajectory-current] circle')
    const at = { x: Number(circle.attributes('cx')), y: Number(circle.attributes('cy')) }
    expect(wrapper.get('[data-testid=trajectory-current]').attributes('data-frame')).toBe('2')
    expect(wrapper.get('[data-testid=trajectory-axes]').text()).toContain('up = mean camera up')

    await wrapper.setProps({ index: 0 })
    const moved = wrapper.get('[data-testid=trajectory-current] circle')
    expect([Number(moved.attributes('cx')), Number(moved.attributes('cy'))]).not.toEqual([at.x, at.y])
    const svg = wrapper.get('[data-testid=trajectory-plot]')
    // Shown at twice the viewBox size: client coordinates are scaled back.
    ;(svg.element as SVGSVGElement).getBoundingClientRect = () =>
      ({ left: 10, top: 20, width: 480, height: 480 }) as DOMRect
    await svg.trigger('click', { clientX: 10 + 2 * (at.x + 3), clientY: 20 + 2 * (at.y - 2) })
    // Far from every pose: nothing.
    await svg.trigger('click', { clientX: 10 + 2 * 236, clientY: 20 + 2 * 4 })
    expect(wrapper.emitted('seek')).toEqual([[2]])
  })

  it('says so when the recording has no poses, and when the frame has none', async () => {
    const none = mount(TrajectoryPlot, { props: { poses: [null, null], index: 0 } })
    expect(none.get('[data-testid=trajectory-none]').text()).toBe('No poses in this recording.')
    expect(none.find('[data-testid=trajectory-plot]').exists()).toBe(false)
    const gap = mount(TrajectoryPlot, { props: { poses: [...walk, null], index: 4 } })
    expect(gap.find('[data-testid=trajectory-current]').exists()).toBe(false)
    expect(gap.text()).toContain('no pose for this frame')
  })
})
