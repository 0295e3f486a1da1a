// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h, KeepAlive, type VNode } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import {
  ConsoleError,
  encodeFrameBundle,
  encodeU16Payload,
  type SessionDetail,
  type SessionManifest,
  type SessionStats,
} from '@contract'
import PlayerView from '../../../src-renderer/src/views/PlayerView.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { usePlayerStore } from '../../../src-renderer/src/stores/player'
import { useTimelineStore } from '../../../src-renderer/src/stores/timeline'
import { fakeHost } from './fake-host'

const camera = { width: 8, height: 6, fx: 10, fy: 10, cx: 4, cy: 3 }
const frameCount = 5
const manifest: SessionManifest = {
  format: 'dve-session',
  version: 1,
  id: 'walk',
  name: 'Walk',
  createdAt: '2026-11-26T10:00:00Z',
  source: { format: 'synthetic', path: '/x' },
  camera,
  rgbSize: { width: 8, height: 6 },
  depthUnitMeters: 0.001,
  depthInvalidValues: [0],
  hasPoses: true,
  frames: Array.from({ length: frameCount }, (_, i) => ({
    index: i,
    timestampSec: 10 + i * 0.5,
    sourceName: `f${i}`,
    rgb: `rgb/${i}.jpg`,
    depth: `depth/${i}.png`,
    worldFromCamera: [1, 0, 0, 100, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  })),
}
const detail = {
  summary: { id: 'walk', name: 'Walk', hasPoses: true },
  manifest,
  report: null,
} as unknown as SessionDetail
const stats: SessionStats = {
  id: 'walk',
  sampledFrames: 5,
  depthRangeMeters: { min: 0.5, max: 4, p02: 0.6, p98: 3.5 },
  depthMedianMeters: 2,
  validDepthFraction: 1,
  poseCoverage: 1,
}

/** Depth of frame f: every pixel (1000 + 100 f) mm, so the read-out tells which frame is shown. */
function depthPayload(frame: number): Uint8Array {
  const data = new Uint16Array(camera.width * camera.height).fill(1000 + 100 * frame)
  return encodeU16Payload({ width: camera.width, height: camera.height, scale: 0.001, data })
}

/** Left half class 1 (sofa), right half class 2 (no entry in labelClasses). */
function labelsPayload(): Uint8Array {
  const data = new Uint16Array(camera.width * camera.height).map((_, i) =>
    i % camera.width < camera.width / 2 ? 1 : 2,
  )
  return encodeU16Payload({ width: camera.width, height: camera.height, scale: 1, data })
}
let withLabels = false
/** While set, fetches wait for it (to see what a burst of seeks asks the server for). */
let gate: Promise<void> | null = null

const fetched: string[] = []
beforeEach(() => {
  fetched.length = 0
  withLabels = false
  gate = null
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url)
    if (gate) await gate
    const frame = Number(/frames\/(\d+)\/bundle$/.exec(url)?.[1])
    return new Response(
      encodeFrameBundle(new Uint8Array([frame]), depthPayload(frame), withLabels ? labelsPayload() : null).slice()
        .buffer,
    )
  })
  vi.stubGlobal('createImageBitmap', async () => ({ width: 8, height: 6, close: () => undefined }))
})
afterEach(() => vi.unstubAllGlobals())

async function mountPlayer(sessionDetail: SessionDetail = detail) {
  setActivePinia(createPinia())
  const host = fakeHost({
    'sessions.get': () => sessionDetail,
    'sessions.stats': () => stats,
    'sessions.list': () => [detail.summary],
    'jobs.list': () => [],
  })
  const stub = { template: '<div/>' }
  const routes = [
    { path: '/player', name: 'player', component: PlayerView },
    ...['library', 'segmentation', 'ask', 'map'].map((name) => ({ path: `/${name}`, name, component: stub })),
  ]
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push({ name: 'player', query: { session: 'walk', frame: '1' } })
  const wrapper = mount(PlayerView, {
    global: { plugins: [router], provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, host, player: usePlayerStore() }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flushPromises()
}

describe('PlayerView', () => {
  it('opens the session at the frame from the route and prefetches its neighbours', async () => {
    const { wrapper, player } = await mountPlayer()
    await settle()
    expect(player.index).toBe(1)
    expect(player.frame?.index).toBe(1)
    expect(player.depthRange).toEqual({ min: 0.6, max: 3.5 })
    expect(wrapper.get('[data-testid=frame-line]').text()).toContain('frame 1 · 0.500 s · source f1 · posed')
    // Neighbours are prefetched only once the seeked frame has been painted (the next animation frame).
    await vi.waitFor(() => {
      expect(fetched).toContain('http://fake/data/sessions/walk/frames/2/bundle')
      expect(fetched).toContain('http://fake/data/sessions/walk/frames/0/bundle')
    })
    wrapper.unmount()
  })

  it('steps with the keyboard and shows depth and 3D points under the pointer', async () => {
    const { wrapper, player } = await mountPlayer()
    await settle()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }))
    await settle()
    expect(player.frame?.index).toBe(2)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'End' }))
    await settle()
    expect(player.index).toBe(frameCount - 1)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home' }))
    await settle()
    expect(player.frame?.index).toBe(0)

    const canvas = wrapper.get('[data-testid=pane-depth] canvas')
    Object.defineProperty(canvas.element, 'clientWidth', { value: 80 })
    Object.defineProperty(canvas.element, 'clientHeight', { value: 60 })
    await canvas.trigger('pointermove', { offsetX: 65, offsetY: 15 }) // pixel (6, 1)
    const readout = wrapper.get('[data-testid=hover-readout]')
    expect(readout.get('[data-testid=readout-pixel]').text()).toBe('6, 1')
    expect(readout.get('[data-testid=readout-depth]').text()).toBe('1.000 m')
    // (6-4)·1/10, (1-3)·1/10, 1 in the camera; the pose shifts x by 100 m.
    expect(readout.get('[data-testid=readout-camera]').text()).toBe('0.200, -0.200, 1.000 m')
    expect(readout.get('[data-testid=readout-world]').text()).toBe('100.200, -0.200, 1.000 m')
    wrapper.unmount()
  })

  it('jumps to a recorded time and plays through to the end', async () => {
    const { wrapper, player } = await mountPlayer()
    await settle()
    await wrapper.get('[data-testid=jump-input]').setValue('1.2')
    await wrapper.get('[data-testid=jump-input]').trigger('submit')
    await settle()
    expect(player.index).toBe(3) // first frame at or after 10 + 1.2 s is 11.5 s
    player.speed = 8
    vi.useFakeTimers()
    try {
      player.play()
      for (let i = 0; i < 20 && player.playing; i++) {
        await vi.advanceTimersByTimeAsync(100)
        await flushPromises()
      }
    } finally {
      vi.useRealTimers()
    }
    expect(player.playing).toBe(false)
    expect(player.frame?.index).toBe(frameCount - 1)
    wrapper.unmount()
  })

  it('shows ground-truth labels with the class under the pointer when the session has them', async () => {
    const labelled = {
      summary: { id: 'walk', name: 'Walk', hasLabels: true },
      manifest: {
        ...manifest,
        labelClasses: [
          { id: 0, name: 'void', color: [0, 0, 0] },
          { id: 1, name: 'sofa', color: [0, 128, 128] },
        ],
        frames: manifest.frames.map((f) => ({ ...f, labels: `labels/${f.index}.png` })),
      },
      report: null,
    } as unknown as SessionDetail
    withLabels = true
    const { wrapper, player } = await mountPlayer(labelled)
    await settle()
    expect(player.frame?.labels?.data[0]).toBe(1)
    const canvas = wrapper.get('[data-testid=pane-labels] canvas')
    Object.defineProperty(canvas.element, 'clientWidth', { value: 80 })
    Object.defineProperty(canvas.element, 'clientHeight', { value: 60 })
    await canvas.trigger('pointermove', { offsetX: 5, offsetY: 5 })
    expect(wrapper.get('[data-testid=readout-label]').text()).toBe('sofa')
    await canvas.trigger('pointermove', { offsetX: 75, offsetY: 5 })
    expect(wrapper.get('[data-testid=readout-label]').text()).toBe('class 2')
    wrapper.unmount()
  })

  it('has no labels pane for sessions without labels', async () => {
    const { wrapper } = await mountPlayer()
    await settle()
    expect(wrapper.find('[data-testid=pane-labels]').exists()).toBe(false)
    expect(fetched.length).toBeGreaterThan(0)
    wrapper.unmount()
  })

  it('lets go of a session deleted elsewhere and says so', async () => {
    const { wrapper, host, player } = await mountPlayer()
    await settle()
    host.emit('changed', { service: 'sessions', id: 'other' })
    await settle()
    expect(player.sessionId).toBe('walk')
    host.handlers['sessions.get'] = () => {
      throw new ConsoleError('not_found', 'No session "walk".')
    }
    host.emit('changed', { service: 'sessions', id: 'walk' })
    await settle()
    expect(player.sessionId).toBeNull()
    expect(wrapper.get('[data-testid=player-error]').text()).toContain('no longer in the library')
    wrapper.unmount()
  })

  it('coalesces a burst of seeks (a timeline drag) into one load at a time, ending on the latest', async () => {
    const frames = Array.from({ length: 40 }, (_, i) => ({ ...manifest.frames[0]!, index: i, timestampSec: i / 10 }))
    const { wrapper, player } = await mountPlayer({ ...detail, manifest: { ...manifest, frames } })
    await settle()
    let open: () => void = () => undefined
    gate = new Promise<void>((resolve) => (open = resolve))
    fetched.length = 0
    const done = [20, 21, 22, 23].map((i) => player.seek(i))
    await flushPromises()
    expect(fetched).toEqual(['http://fake/data/sessions/walk/frames/20/bundle'])
    gate = null
    open()
    await Promise.all(done)
    await settle()
    expect(player.frame?.index).toBe(23)
    // 21 and 22 were wanted only in passing: the next load after 20 is 23 (then its neighbours, prefetched).
    expect(fetched.slice(0, 2)).toEqual([
      'http://fake/data/sessions/walk/frames/20/bundle',
      'http://fake/data/sessions/walk/frames/23/bundle',
    ])
    expect(fetched).not.toContain('http://fake/data/sessions/walk/frames/21/bundle')
    wrapper.unmount()
  })

  it('pins a clicked pixel and links the frame and its world point to the other views', async () => {
    const { wrapper, player } = await mountPlayer()
    await settle()
    const canvas = wrapper.get('[data-testid=pane-depth] canvas')
    Object.defineProperty(canvas.element, 'clientWidth', { value: 80 })
    Object.defineProperty(canvas.element, 'clientHeight', { value: 60 })
    await canvas.trigger('click', { offsetX: 65, offsetY: 15 }) // pixel (6, 1)
    await canvas.trigger('pointerleave')
    expect(wrapper.get('[data-testid=readout-pixel]').text()).toBe('6, 1')
    expect(player.index).toBe(1)
    const href = (testid: string) => decodeURIComponent(wrapper.get(`[data-testid=${testid}]`).attributes('href') ?? '')
    expect(href('open-segmentation')).toBe('/segmentation?session=walk&frame=1')
    expect(href('open-ask')).toBe('/ask?session=walk&frame=1')
    // Frame 1 depth is 1.1 m everywhere: camera (0.22, -0.22, 1.1), posed +100 m in x.
    expect(href('open-map')).toBe('/map?session=walk&focus=100.220,-0.220,1.100')
    await wrapper.get('[data-testid=unpin]').trigger('click')
    expect(wrapper.find('[data-testid=readout-pixel]').exists()).toBe(false)
    expect(href('open-map')).toBe('/map?session=walk')
    wrapper.unmount()
  })

  it('opens the session a navigation names when shown again (KeepAlive), over the shared timeline', async () => {
    setActivePinia(createPinia())
    const other = {
      ...detail,
      summary: { ...detail.summary, id: 'other', name: 'Other' },
      manifest: { ...manifest, id: 'other', name: 'Other' },
    } as SessionDetail
    const host = fakeHost({
      'sessions.get': (input) => ((input as { id: string }).id === 'other' ? other : detail),
      'sessions.stats': () => stats,
      'sessions.list': () => [detail.summary, other.summary],
      'jobs.list': () => [],
    })
    const stub = { template: '<div/>' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/player', name: 'player', component: PlayerView },
        ...['library', 'segmentation', 'ask', 'map'].map((name) => ({ path: `/${name}`, name, component: stub })),
      ],
    })
    // The app's shell: views stay mounted while hidden.
    const Shell = defineComponent(
      () => () =>
        h(RouterView, null, { default: ({ Component }: { Component: VNode }) => h(KeepAlive, null, [Component]) }),
    )
    await router.push({ name: 'player', query: { session: 'walk', frame: '1' } })
    const wrapper = mount(Shell, {
      global: { plugins: [router], provide: { [apiKey as symbol]: createApiClient(host.transport) } },
      attachTo: document.body,
    })
    await settle()
    const player = usePlayerStore()
    const timeline = useTimelineStore()
    expect([player.sessionId, player.index]).toEqual(['walk', 1])
    // Another view moves the shared timeline while the Player is hidden; then the Library opens a
    // session in the Player (as it does with a live session once its first frame is in).
    await router.push({ name: 'library' })
    timeline.show('walk', 3)
    await router.push({ name: 'player', query: { session: 'other' } })
    await settle()
    expect(player.sessionId).toBe('other')
    expect(router.currentRoute.value.query.session).toBe('other')
    // Shown again without naming a session (the nav rail's link), it follows the shared timeline.
    await router.push({ name: 'library' })
    timeline.show('walk', 3)
    await router.push({ name: 'player' })
    await settle()
    expect([player.sessionId, player.index]).toEqual(['walk', 3])
    wrapper.unmount()
  })
})
