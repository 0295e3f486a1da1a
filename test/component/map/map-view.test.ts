// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { h, KeepAlive, type Component } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { encodeMapPoints, type MapInfo, type MapQueryResult, type MapStatus, type VoxelDetail } from '@contract'
import MapView from '../../../src-renderer/src/views/MapView.vue'
import MapCanvas from '../../../src-renderer/src/components/map/MapCanvas.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { fakeHost } from '../library/fake-host'

/** What the fake regl saw: buffer uploads and point draws. */
const gl = vi.hoisted(() => ({ buffers: [] as unknown[], draws: [] as Array<Record<string, unknown>> }))
vi.mock('regl', () => ({
  default: () => {
    const buffer = () => (options: { data: unknown }) => gl.buffers.push(options.data)
    const regl = () => (props: Record<string, unknown>) => gl.draws.push(props)
    return Object.assign(regl, {
      buffer,
      prop: (name: string) => name,
      poll: () => undefined,
      clear: () => undefined,
      destroy: () => undefined,
    })
  },
}))

const voxels = 5
const info: MapInfo = {
  sessionId: 'walk',
  modelId: 'demo',
  voxelSizeMeters: 0.05,
  maxDepthMeters: 6,
  voxelCount: voxels,
  framesFused: 3,
  frameCount: 3,
  complete: true,
  bounds: { minMeters: [0, 0, 0], maxMeters: [1, 1, 1] },
  embeddingDim: 16,
  codeDim: 16,
  bytesPerVoxel: 98,
  labelClasses: [
    { id: 1, name: 'sofa', color: [10, 200, 30] },
    { id: 2, name: 'floor', color: [100, 60, 20] },
  ],
  trajectory: {
    frameIndices: [0, 1, 2],
    centersMeters: [0, 0, 1, 0.1, 0, 1, 0.2, 0, 1],
    worldFromCamera: [0, 1, 2].map((i) => [1, 0, 0, i / 10, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1]),
  },
  camera: { width: 8, height: 6, fx: 10, fy: 10, cx: 4, cy: 3 },
  warnings: ['1 frame(s) skipped for bad poses, e.g. frame 7: pose contains NaN or infinity.'],
  updatedAt: '2026-11-26T10:00:00Z',
  pointsPath: '/data/maps/walk/points?v=1',
}
const points = encodeMapPoints({
  count: voxels,
  voxelSizeMeters: 0.05,
  hasPca: true,
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]),
  colors: new Uint8Array(voxels * 4).fill(200),
  pcaColors: new Uint8Array(voxels * 4).fill(90),
  labels: new Uint16Array([1, 1, 2, 2, 0]),
})
const queryResult: MapQueryResult = {
  label: 'sofa',
  threshold: 0.6,
  temperature: 10,
  words: { unknown: [], suggestion: null },
  maxRelevancy: 0.9,
  relevancyPath: '/data/maps/walk/relevancy/r1',
  elapsedMs: 12,
  pins: [
    {
      worldPoint: [0.5, 0, 0],
      sizeMeters: 0.8,
      relevancy: 0.9,
      voxelCount: 2,
      nearLabel: 'sofa',
      nearby: 'the blue door',
    },
  ],
}
const voxel: VoxelDetail = {
  voxelIndex: 1,
  centerMeters: [1, 0, 0],
  pointCount: 40,
  normal: [0, 0, 1],
  meanColor: [200, 200, 200],
  label: 'sofa',
  observations: [
    { frameIndex: 0, timestampSec: 0 },
    { frameIndex: 2, timestampSec: 1 },
  ],
  observedByFrames: 2,
}

const fetched: string[] = []
beforeEach(() => {
  gl.buffers.length = 0
  gl.draws.length = 0
  fetched.length = 0
  vi.stubGlobal(
    'fetch',
    async (url: string) =>
      fetched.push(url) &&
      new Response(url.includes('/relevancy/') ? new Uint8Array([250, 240, 10, 10, 0]) : points.slice().buffer),
  )
})
afterEach(() => vi.unstubAllGlobals())

/** The app's frame: the routed view inside KeepAlive, as App.vue has it. */
const KeptAliveViews: Component = {
  render: () =>
    h(RouterView, null, { default: ({ Component: view }: { Component: Component }) => h(KeepAlive, null, [h(view)]) }),
}

async function mountMap(status: MapStatus, root: Component = MapView) {
  setActivePinia(createPinia())
  const host = fakeHost({
    'sessions.list': () => [{ id: 'walk', name: 'Walk', hasPoses: status.hasPoses }],
    'jobs.list': () => [],
    'map.status': () => status,
    'map.query': () => queryResult,
    'map.voxel': () => voxel,
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/map', name: 'map', component: MapView },
      { path: '/player', name: 'player', component: { template: '<div/>' } },
    ],
  })
  await router.push({ name: 'map', query: { session: 'walk' } })
  const wrapper = mount(root, {
    global: { plugins: [router], provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    attachTo: document.body,
  })
  for (let i = 0; i < 6; i++) await flushPromises()
  return { wrapper, host, router }
}

const withMap: MapStatus = {
  sessionId: 'walk',
  hasPoses: true,
  posedFrameCount: 3,
  frameCount: 3,
  map: info,
  buildJobId: null,
  problem: null,
}

describe('MapView', () => {
  it('says a session without poses offers no fused map, and shows one frame as points instead', async () => {
    const { wrapper, host } = await mountMap({
      sessionId: 'walk',
      hasPoses: false,
      posedFrameCount: 0,
      frameCount: 3,
      map: null,
      buildJobId: null,
      problem: null,
    })
    expect(wrapper.get('[data-testid=map-no-poses]').text()).toContain('no camera poses')
    expect(wrapper.find('[data-testid=map-build]').exists()).toBe(false)
    expect(host.called('map.build')).toHaveLength(0)
    expect(fetched).toContain('http://fake/data/maps/walk/frames/0/points')
    expect(wrapper.find('[data-testid=map-canvas]').exists()).toBe(true)
    await wrapper.get('[data-testid=map-single-frame]').setValue('2')
    for (let i = 0; i < 4; i++) await flushPromises()
    expect(fetched).toContain('http://fake/data/maps/walk/frames/2/points')
    wrapper.unmount()
  })

  it('draws the map with its summary, warnings and class legend', async () => {
    const { wrapper } = await mountMap(withMap)
    expect(wrapper.get('[data-testid=map-summary]').text()).toContain('5 voxels · 3/3 frames · 98 B/voxel · demo')
    expect(wrapper.text()).toContain('frame 7: pose contains NaN')
    // The positions buffer holds every voxel (shuffled for the point budget).
    const positions = gl.buffers.find((b) => b instanceof Float32Array && b.length === voxels * 3) as Float32Array
    expect([...positions].sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    await wrapper.get('[data-testid=map-color-mode]').setValue('class')
    expect(wrapper.get('[data-testid=map-legend]').text()).toContain('sofa')
    expect(wrapper.get('[data-testid=map-legend]').text()).toContain('floor')
    // Class colours were uploaded: two voxels in the sofa's green.
    const colors = gl.buffers.filter((b) => b instanceof Uint8Array && b.length === voxels * 4).pop() as Uint8Array
    let green = 0
    for (let i = 0; i < voxels; i++) if (colors[i * 4 + 1] === 200 && colors[i * 4] === 10) green++
    expect(green).toBe(2)
    wrapper.unmount()
  })

  it("rebuilds at the loaded map's voxel size, not the default", async () => {
    const { wrapper, host } = await mountMap({ ...withMap, map: { ...info, voxelSizeMeters: 0.03 } })
    expect((wrapper.get('[data-testid=map-voxel-size]').element as HTMLInputElement).value).toBe('0.03')
    await wrapper.get('[data-testid=map-build]').trigger('click')
    await flushPromises()
    expect(host.called('map.build')).toEqual([expect.objectContaining({ sessionId: 'walk', voxelSizeMeters: 0.03 })])
    wrapper.unmount()
  })

  it('runs a query, colours by relevancy and lists the pins', async () => {
    const { wrapper, host } = await mountMap(withMap)
    await wrapper.get('[data-testid=map-query]').setValue('where is the sofa')
    await wrapper.get('[data-testid=map-query-run]').trigger('submit')
    for (let i = 0; i < 6; i++) await flushPromises()
    expect(host.called('map.query')).toEqual([{ sessionId: 'walk', text: 'where is the sofa' }])
    expect((wrapper.get('[data-testid=map-color-mode]').element as HTMLSelectElement).value).toBe('relevancy')
    expect(wrapper.get('[data-testid=map-pin-0]').text()).toMatch(
      /^sofa — on the sofa, by the blue door · 2 voxels · 0\.90/,
    )
    expect(wrapper.get('[data-testid=map-legend]').text()).toContain('threshold 0.60')
    wrapper.unmount()
  })

  it('fetches a growing map only while the view is shown, and catches up when shown again', async () => {
    const { wrapper, host, router } = await mountMap(withMap, KeptAliveViews)
    const statusCalls = () => host.called('map.status').length
    const shown = statusCalls()
    expect(shown).toBeGreaterThan(0)
    host.emit('changed', { service: 'map', id: 'walk' })
    await new Promise((r) => setTimeout(r, 1600))
    await flushPromises()
    expect(statusCalls()).toBe(shown + 1)
    await router.push({ name: 'player' })
    await flushPromises()
    // Hidden (kept alive): a robot's map steps are not fetched for nobody.
    for (let step = 0; step < 3; step++) host.emit('changed', { service: 'map', id: 'walk' })
    await new Promise((r) => setTimeout(r, 1600))
    await flushPromises()
    expect(statusCalls()).toBe(shown + 1)
    await router.push({ name: 'map', query: { session: 'walk' } })
    for (let i = 0; i < 4; i++) await flushPromises()
    expect(statusCalls()).toBe(shown + 2)
    // Shown without changes in between: nothing to catch up.
    await router.push({ name: 'player' })
    await router.push({ name: 'map', query: { session: 'walk' } })
    for (let i = 0; i < 4; i++) await flushPromises()
    expect(statusCalls()).toBe(shown + 2)
    wrapper.unmount()
  })

  it('shows the frames behind a picked voxel and opens one in the Player', async () => {
    const { wrapper, host, router } = await mountMap(withMap)
    wrapper.findComponent(MapCanvas).vm.$emit('pick', 1)
    for (let i = 0; i < 4; i++) await flushPromises()
    expect(host.called('map.voxel')).toEqual([{ sessionId: 'walk', voxelIndex: 1 }])
    expect(wrapper.get('[data-testid=voxel-panel]').text()).toMatch(/40 points\s*· sofa/)
    await wrapper.get('[data-testid=voxel-frame-2]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('player')
    expect(router.currentRoute.value.query).toEqual({ session: 'walk', frame: '2' })
    wrapper.unmount()
  })
})
