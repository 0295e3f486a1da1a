// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { FrameSegmentation, SegmentationModeName } from '@contract'
import SegmentationView from '../../../src-renderer/src/views/SegmentationView.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { fakeHost } from '../library/fake-host'

/** What the fake regl saw: texture uploads and draws, per context. */
const gl = vi.hoisted(() => ({
  uploads: [] as Array<{ data: unknown; width?: number; height?: number; format?: string }>,
  draws: [] as Array<Record<string, number>>,
  destroyed: 0,
}))
vi.mock('regl', () => ({
  default: () => {
    const texture = () => {
      const t = (options: { data: unknown; width?: number; height?: number; format?: string }) =>
        gl.uploads.push(options)
      return t
    }
    const regl = () => (props: Record<string, number>) => gl.draws.push(props)
    return Object.assign(regl, {
      texture,
      prop: (name: string) => name,
      poll: () => undefined,
      clear: () => undefined,
      destroy: () => gl.destroyed++,
    })
  },
}))

const classes = [
  { index: 0, name: 'sofa', color: [0, 114, 178] as [number, number, number] },
  { index: 1, name: 'floor', color: [119, 85, 51] as [number, number, number] },
]
/** Text mode calls most of the frame sofa; mean mode floor. 4×2 at stride, 8×4 at camera size. */
const shares: Record<SegmentationModeName, [number, number]> = {
  text: [0.75, 0.25],
  mean: [0.25, 0.75],
  probe: [0.5, 0.5],
}

function segmentation(mode: SegmentationModeName, frameIndex: number, modelId = 'alpha-1'): FrameSegmentation {
  return {
    sessionId: 'walk',
    frameIndex,
    classSetId: 'home',
    mode,
    modelId,
    classes: classes.map((c, i) => ({ ...c, share: shares[mode][i] as number })),
    width: 4,
    height: 2,
    cameraWidth: 8,
    cameraHeight: 4,
    bytesPerIndex: 1,
    classMapPath: `/data/segmentation/${mode}-stride`,
    fullClassMapPath: `/data/segmentation/${mode}-full`,
    top2Path: `/data/segmentation/${mode}-top2`,
    meanScore: 0.6,
    meanWinnerCosine: 0.3,
    elapsedMs: 5,
  }
}

/** Ground truth of the frame (8×4): row 0 void, the rest sofa in columns 0–5 and floor in 6–7. */
const truthClasses = Uint16Array.from({ length: 32 }, (_, i) => (i < 8 ? 0xffff : i % 8 >= 6 ? 1 : 0))

function payload(url: string): ArrayBuffer {
  if (url.includes('ground-truth')) return truthClasses.buffer.slice(0)
  if (url.endsWith('-full'))
    return Uint8Array.from({ length: 32 }, (_, i) => (url.includes('text') ? Number(i % 8 >= 6) : Number(i % 8 >= 2)))
      .buffer
  // top2 for 8 stride pixels: winner 0, runner-up 1, scores 0.75 / 0.25, cosine 0.5.
  const planes = new Uint16Array(40)
  planes.fill(0, 0, 8)
  planes.fill(1, 8, 16)
  planes.fill(Math.round(0.75 * 65535), 16, 24)
  planes.fill(Math.round(0.25 * 65535), 24, 32)
  planes.fill(Math.round(1.5 * 32767.5), 32, 40)
  return planes.buffer
}

async function mountView() {
  setActivePinia(createPinia())
  let activePack = 'alpha'
  const pack = (id: string) => ({
    id,
    name: id,
    valid: true,
    active: id === activePack,
    errors: [],
    manifest: null,
    graph: null,
  })
  const host = fakeHost({
    'models.list': () => [pack('alpha'), pack('beta')],
    'models.providers': () => ({ order: ['cpu'], active: 'cpu', fallbacks: [] }),
    'models.activate': (input) => {
      activePack = (input as { id: string }).id
      return pack(activePack)
    },
    'segmentation.classSets': () => [{ id: 'home', name: 'Home', classCount: 2, modes: ['text', 'mean'] }],
    'segmentation.segmentFrame': (input) => {
      const { mode, frameIndex } = input as { mode: SegmentationModeName; frameIndex: number }
      // The other pack sees the text-mode frame as the mean mode does: a different map, same classes.
      return segmentation(activePack === 'alpha' ? mode : 'mean', frameIndex, `${activePack}-1`)
    },
    'segmentation.compareModes': (input) => {
      const { modes, frameIndex } = input as { modes: [SegmentationModeName, SegmentationModeName]; frameIndex: number }
      return { left: segmentation(modes[0], frameIndex), right: segmentation(modes[1], frameIndex), agreement: 0.5 }
    },
    'inference.cacheStatus': () => ({
      modelId: 'demo-1',
      bytes: 0,
      budgetBytes: 1,
      entries: 0,
      sessionFramesCached: 1,
    }),
    'inference.runOnSession': () => ({ jobId: 'inference-1' }),
    'segmentation.segmentSession': () => ({ jobId: 'segmentation-1' }),
    'segmentation.sessionResult': () => ({
      sessionId: 'walk',
      classSetId: 'home',
      mode: 'text',
      modelId: `${activePack}-1`,
      frames: 3,
      outDir: null,
      seconds: 1,
      classes: classes.map((c, i) => ({ ...c, share: [0.6, 0.4][i] as number })),
      dominantClassByFrame: [0, 1, 0],
    }),
    'inference.runResult': () => ({}),
    'sessions.list': () => [{ id: 'walk', name: 'Walk', frameCount: 3, hasLabels: true }],
    'jobs.list': () => [],
    'classes.fit': () => [
      {
        id: 'domain:alpha:walk',
        message: 'The model pack "alpha" was trained only on the synthetic demo world.',
        action: 'Bring the real DVEFormer model: docs/MODELS.md.',
      },
    ],
    'classes.compareGroundTruth': (input) => ({
      ...(input as object),
      width: 8,
      height: 4,
      groundTruthPath: '/data/classes/ground-truth/walk/home/1',
      score: { frameIndex: 1, miou: 0.625, pixelAccuracy: 0.75 },
      gtPixels: [18, 6],
      unmatchedGtClasses: [],
    }),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/segmentation', name: 'segmentation', component: SegmentationView }],
  })
  await router.push({ name: 'segmentation', query: { session: 'walk', frame: '1' } })
  const wrapper = mount(SegmentationView, {
    global: { plugins: [router], provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    attachTo: document.body,
  })
  await flushPromises()
  await vi.waitFor(() => expect(wrapper.findAll('[data-testid="seg-legend-item"]').length).toBe(2))
  return { wrapper, host }
}

const legend = (wrapper: Awaited<ReturnType<typeof mountView>>['wrapper']) =>
  wrapper
    .findAll('[data-testid="seg-legend-item"]')
    .map((item) => `${item.find('.name').text()} ${item.find('.share').text()}`)

describe('SegmentationView', () => {
  beforeEach(() => {
    gl.uploads.length = 0
    gl.draws.length = 0
    gl.destroyed = 0
    // WebGL goes through the mocked regl; 2D strips get a context whose every method does nothing.
    const draws2d = new Proxy({}, { get: () => () => undefined })
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(draws2d as RenderingContext)
    vi.stubGlobal('fetch', async (url: string) => new Response(payload(url)))
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('segments the frame in text mode, uploads the class map and palette, and shows the legend by share', async () => {
    const { wrapper, host } = await mountView()
    expect(host.called('segmentation.segmentFrame')).toContainEqual({
      sessionId: 'walk',
      frameIndex: 1,
      classSetId: 'home',
      mode: 'text',
    })
    expect(legend(wrapper)).toEqual(['sofa 75.0 %', 'floor 25.0 %'])
    const classMap = gl.uploads.find((u) => u.format === 'luminance' && u.width === 8)
    expect(classMap?.height).toBe(4)
    expect([...(classMap?.data as Uint8Array)].filter((k) => k === 0)).toHaveLength(24)
    const palette = gl.uploads.find((u) => u.width === 256)
    expect([...(palette?.data as Uint8Array).slice(0, 8)]).toEqual([0, 114, 178, 255, 119, 85, 51, 255])
    expect(gl.draws.at(-1)).toMatchObject({ opacity: 0.6, highlight: -1 })
    expect(wrapper.find('[data-testid="seg-uncached"]').text()).toContain('2 of 3 frames')
    wrapper.unmount()
    expect(gl.destroyed).toBe(1)
  })

  it('switching mode changes the legend; clicking a class highlights it in the overlay', async () => {
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="seg-mode-mean"]').trigger('click')
    await vi.waitFor(() => expect(legend(wrapper)).toEqual(['floor 75.0 %', 'sofa 25.0 %']))
    expect(host.called('segmentation.segmentFrame').at(-1)).toMatchObject({ mode: 'mean' })
    expect(wrapper.find('[data-testid="seg-mode-probe"]').attributes('disabled')).toBeDefined()
    await wrapper.findAll('[data-testid="seg-legend-item"]')[0]?.trigger('click')
    expect(gl.draws.at(-1)).toMatchObject({ highlight: 1 })
    wrapper.unmount()
  })

  it('shows class, score, cosine and runner-up under the pointer', async () => {
    const { wrapper } = await mountView()
    const stage = wrapper.find('.seg-stage')
    vi.spyOn(stage.element, 'getBoundingClientRect').mockReturnValue({
      left: 0,
      top: 0,
      width: 80,
      height: 40,
      right: 80,
      bottom: 40,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    })
    await stage.trigger('pointermove', { clientX: 10, clientY: 10 })
    const lines = wrapper.findAll('[data-testid="seg-hover"] > div').map((line) => line.text().replace(/\s+/g, ' '))
    expect(lines).toEqual(['sofa 0.750 cos 0.500', 'runner-up: floor 0.250'])
    wrapper.unmount()
  })

  it('compares two modes side by side with their agreement', async () => {
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="seg-compare"]').setValue('mean')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="seg-pane"]')).toHaveLength(2))
    expect(host.called('segmentation.compareModes').at(-1)).toMatchObject({ modes: ['text', 'mean'], frameIndex: 1 })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="seg-agreement"]').text()).toContain('50.0 %'))
    expect(wrapper.findAll('[data-testid="seg-legend"]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('compares two model packs: keeps the result, activates the other pack, shows both with their agreement', async () => {
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="seg-compare-pack"]').setValue('beta')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="seg-pane"]')).toHaveLength(2))
    expect(host.called('models.activate')).toEqual([{ id: 'beta' }])
    const titles = () => wrapper.findAll('[data-testid="seg-pane"] figcaption').map((t) => t.text())
    await vi.waitFor(() => expect(titles()).toEqual(['Text · beta-1', 'Kept: Text · alpha-1 · frame 1']))
    // text map: columns 6, 7 floor; beta's map: columns 2..7 floor → they agree on 4 of 8 columns.
    await vi.waitFor(() =>
      expect(wrapper.find('[data-testid="seg-kept-agreement"]').text()).toBe(
        'models agree on 50.0 % of pixels (by class name)',
      ),
    )
    await wrapper.find('[data-testid="seg-compare-pack"]').setValue('')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="seg-pane"]')).toHaveLength(1))
    wrapper.unmount()
  })

  it('segments the whole recording: the timeline strip and the recording shares appear', async () => {
    const { wrapper, host } = await mountView()
    expect(wrapper.find('[data-testid="seg-class-strip"]').exists()).toBe(false)
    await wrapper.find('[data-testid="seg-segment-recording"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="seg-class-strip"]').exists()).toBe(true))
    expect(host.called('segmentation.segmentSession')).toEqual([
      { sessionId: 'walk', classSetId: 'home', mode: 'text' },
    ])
    expect(wrapper.find('[data-testid="seg-recording-summary"]').text()).toBe(
      'Recording (3 frames): sofa 60 %, floor 40 %',
    )
    expect(wrapper.find('[data-testid="seg-segment-recording"]').exists()).toBe(false)
    // Another mode is another segmentation: the strip goes until that one is made.
    await wrapper.find('[data-testid="seg-mode-mean"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="seg-class-strip"]').exists()).toBe(false))
    wrapper.unmount()
  })

  it("compares with the ground truth: its classes, the frame's IoU, and the error view", async () => {
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="seg-compare"]').setValue('truth')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="seg-truth-iou"]').exists()).toBe(true))
    expect(host.called('classes.compareGroundTruth').at(-1)).toEqual({
      sessionId: 'walk',
      frameIndex: 1,
      classSetId: 'home',
      mode: 'text',
    })
    expect(wrapper.find('[data-testid="seg-truth-iou"]').text().replace(/\s+/g, ' ')).toBe(
      'this frame: mIoU 62.5 % · pixel accuracy 75.0 % over 2 classes',
    )
    const titles = wrapper.findAll('[data-testid="seg-pane"] figcaption').map((t) => t.text())
    expect(titles).toEqual(['Text', 'Ground truth'])
    // The ground-truth pane: void (65535) drawn as the extra palette entry after the set's 2 classes.
    const truthUpload = () => gl.uploads.filter((u) => u.width === 8 && u.height === 4).at(-1)
    await vi.waitFor(() =>
      expect(wrapper.findAll('[data-testid="seg-overlay"]')[1]?.attributes('data-plain')).toBe('truth'),
    )
    expect(truthUpload()).toBeDefined()

    await wrapper.find('[data-testid="seg-error-view"]').setValue(true)
    await vi.waitFor(() =>
      expect(wrapper.findAll('[data-testid="seg-overlay"]')[1]?.attributes('data-plain')).toBe('errors'),
    )
    expect(wrapper.findAll('[data-testid="seg-pane"] figcaption').map((t) => t.text())[1]).toBe(
      'Errors against the ground truth',
    )
    expect(wrapper.find('[data-testid="seg-error-legend"]').text()).toMatch(/right.*wrong.*void/s)
    // Hover on the error pane names right / wrong / void: text mode calls columns 0–5 sofa, so row 1 column 0 is right, row 0 void.
    const stage = wrapper.findAll('.seg-stage')[1]!
    vi.spyOn(stage.element, 'getBoundingClientRect').mockReturnValue({
      left: 0,
      top: 0,
      width: 80,
      height: 40,
      right: 80,
      bottom: 40,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    })
    await stage.trigger('pointermove', { clientX: 5, clientY: 15 })
    expect(wrapper.find('[data-testid="seg-hover-plain"]').text()).toBe('right')
    await stage.trigger('pointermove', { clientX: 5, clientY: 5 })
    expect(wrapper.find('[data-testid="seg-hover-plain"]').text()).toBe('void (not scored)')
    await stage.trigger('pointermove', { clientX: 65, clientY: 15 })
    expect(wrapper.find('[data-testid="seg-hover-plain"]').text()).toBe('right')
    wrapper.unmount()
  })

  it('says once that the pack does not fit the recording, with what to do', async () => {
    const { wrapper } = await mountView()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="fit-notices"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="fit-notices"]').text()).toContain(
      'Bring the real DVEFormer model: docs/MODELS.md.',
    )
    await wrapper.find('[data-testid="fit-dismiss"]').trigger('click')
    expect(wrapper.find('[data-testid="fit-notices"]').exists()).toBe(false)
    wrapper.unmount()
    // Dismissed stays dismissed in the next visit.
    const again = await mountView()
    await flushPromises()
    expect(again.wrapper.find('[data-testid="fit-notices"]').exists()).toBe(false)
    again.wrapper.unmount()
    localStorage.clear()
  })

  it('runs the model on the recording from the button', async () => {
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="seg-run-model"]').trigger('click')
    await flushPromises()
    expect(host.called('inference.runOnSession')).toEqual([{ sessionId: 'walk' }])
    expect(host.called('inference.cacheStatus').length).toBeGreaterThan(1)
    wrapper.unmount()
  })
})
