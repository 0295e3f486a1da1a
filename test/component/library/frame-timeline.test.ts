// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { h } from 'vue'
import FrameTimeline from '../../../src-renderer/src/components/player/FrameTimeline.vue'

function trackAt(wrapper: ReturnType<typeof mount>, left: number, width: number) {
  const track = wrapper.get('[data-testid=timeline-track]').element as HTMLElement
  track.getBoundingClientRect = () => ({
    left,
    width,
    top: 0,
    height: 14,
    right: left + width,
    bottom: 14,
    x: left,
    y: 0,
    toJSON: () => ({}),
  })
  return wrapper.get('[data-testid=timeline-track]')
}

describe('FrameTimeline', () => {
  it('scrubs to the frame under the pointer, by recorded time', async () => {
    // Frames bunch at the start: 0, 0.1, 0.2 s, then a gap to 10 s.
    const timestamps = [0, 0.1, 0.2, 10]
    const wrapper = mount(FrameTimeline, { props: { frameCount: 4, modelValue: 0, timestamps } })
    const track = trackAt(wrapper, 100, 1000)
    await track.trigger('pointerdown', { clientX: 100 + 0.9 * 1000, pointerId: 1 })
    await track.trigger('pointermove', { clientX: 100 + 0.015 * 1000, pointerId: 1 })
    await track.trigger('pointerup', { clientX: 100 + 0.015 * 1000, pointerId: 1 })
    const picked = wrapper.emitted('update:modelValue')?.map((args) => args[0])
    // 90 % of 10 s is nearest to frame 3 (10 s); 1.5 % = 0.15 s is between frames 1 and 2 → 1 (ties go earlier).
    expect(picked).toEqual([3, 1])
    expect(wrapper.emitted('scrubbing')?.map((args) => args[0])).toEqual([true, false])
  })

  it('spaces frames evenly without timestamps and steps with keys', async () => {
    const wrapper = mount(FrameTimeline, { props: { frameCount: 11, modelValue: 5 } })
    const track = trackAt(wrapper, 0, 200)
    await track.trigger('pointerdown', { clientX: 41, pointerId: 1 })
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([2])
    await track.trigger('keydown', { key: 'ArrowRight' })
    await track.trigger('keydown', { key: 'End' })
    await track.trigger('keydown', { key: 'Home' })
    expect(
      wrapper
        .emitted('update:modelValue')
        ?.slice(1)
        .map((a) => a[0]),
    ).toEqual([6, 10, 0])
    expect(wrapper.get('[data-testid=timeline-frame]').text()).toBe('#5 of 11')
  })

  it('lays an overlay strip over the same span and tells it where frames are', () => {
    const wrapper = mount(FrameTimeline, {
      props: { frameCount: 3, modelValue: 0, timestamps: [0, 1, 4] },
      slots: {
        overlay: (slot: { position: (i: number) => number }) =>
          [0, 1, 2].map((i) => h('i', { class: 'mark', 'data-left': slot.position(i).toFixed(2) })),
      },
    })
    const marks = wrapper.findAll('[data-testid=timeline-overlay] .mark').map((m) => m.attributes('data-left'))
    expect(marks).toEqual(['0.00', '0.25', '1.00'])
  })

  it('ignores input when disabled', async () => {
    const wrapper = mount(FrameTimeline, { props: { frameCount: 5, modelValue: 1, disabled: true } })
    const track = trackAt(wrapper, 0, 100)
    await track.trigger('pointerdown', { clientX: 90, pointerId: 1 })
    await track.trigger('keydown', { key: 'ArrowRight' })
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
  })
})
