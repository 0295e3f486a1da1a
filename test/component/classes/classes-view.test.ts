// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ClassSetDetail, EvaluationReport, ProbeStatus } from '@contract'
import ClassesView from '../../../src-renderer/src/views/ClassesView.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { fakeHost } from '../library/fake-host'

const room: ClassSetDetail = {
  id: 'user-room',
  name: 'Room',
  source: 'user',
  readOnly: false,
  classCount: 2,
  embeddingDim: 8,
  hasMeans: false,
  hasProbe: true,
  modes: ['text', 'probe'],
  classes: [
    { name: 'chair', color: [230, 159, 0], prompts: ['chair'], hotkey: 3 },
    { name: 'table', color: [86, 180, 233], prompts: ['table'], hotkey: 1 },
  ],
}
const nyu: ClassSetDetail = {
  ...room,
  id: 'nyuv2-40',
  name: 'NYUv2-40',
  source: 'builtin',
  readOnly: true,
  hasProbe: false,
  modes: ['text'],
}
const probe: ProbeStatus = {
  classSetId: 'user-room',
  state: 'ready',
  jobId: null,
  error: null,
  labelledClassCount: 2,
  lossCurve: [1.2, 0.6, 0.3],
  heldOutAccuracy: 0.875,
  perClassConfidence: [0.9, null],
  pixelsPerClass: [40, 3],
  trainPixels: 35,
  heldOutPixels: 8,
  seconds: 0.4,
  trainedAt: '2026-11-26T21:00:00.000Z',
  modelId: 'demo',
}
const report: EvaluationReport = {
  sessionId: 'walk',
  classSetId: 'user-room',
  modelId: 'demo',
  frames: 3,
  unmatchedGtClasses: ['lamp'],
  skipped: [],
  seconds: 1,
  protocol: 'mIoU over the classes present in the ground truth.',
  averagedClasses: ['chair', 'table'],
  officialList: null,
  modes: [
    {
      mode: 'text',
      miou: 0.25,
      frequencyWeightedIou: 0.33,
      pixelAccuracy: 0.5,
      perFrame: [],
      classes: [
        { name: 'chair', iou: 0.5, gtPixels: 10, predictedPixels: 12, inMean: true },
        { name: 'table', iou: 0, gtPixels: 5, predictedPixels: 1, inMean: true },
        { name: 'sofa', iou: 0, gtPixels: 0, predictedPixels: 2, inMean: false },
      ],
      confusion: [6, 2, 2, 5, 0, 0, 0, 0, 0],
    },
    {
      mode: 'probe',
      miou: 0.75,
      frequencyWeightedIou: 0.8,
      pixelAccuracy: 0.9,
      perFrame: [],
      classes: [
        { name: 'chair', iou: 0.9, gtPixels: 10, predictedPixels: 10, inMean: true },
        { name: 'table', iou: 0.6, gtPixels: 5, predictedPixels: 5, inMean: true },
        { name: 'sofa', iou: null, gtPixels: 0, predictedPixels: 0, inMean: false },
      ],
      confusion: [9, 1, 0, 1, 4, 0, 0, 0, 0],
    },
  ],
}

async function mountView() {
  setActivePinia(createPinia())
  const host = fakeHost({
    'classes.list': () => [room, nyu],
    'classes.probeStatus': () => probe,
    'classes.getLabels': () => ({
      sessionId: 'walk',
      classSetId: 'user-room',
      frameIndex: 0,
      width: 8,
      height: 4,
      pixelCounts: [0, 0],
      labelMaskPath: null,
      revision: 0,
    }),
    'classes.labelledFrames': () => [{ frameIndex: 2, pixelCounts: [3, 1] }],
    'classes.evaluate': () => ({ jobId: 'evaluate-1' }),
    'classes.evaluationResult': () => report,
    'segmentation.segmentFrame': () => ({ fullClassMapPath: '/data/segmentation/x', bytesPerIndex: 1 }),
    'sessions.list': () => [{ id: 'walk', name: 'Walk', frameCount: 5, width: 8, height: 4 }],
    'jobs.list': () => [],
    'classes.create': (input) => ({
      ...room,
      id: 'user-kitchen',
      name: (input as { name: string }).name,
      classCount: 0,
      classes: [],
      hasProbe: false,
      modes: ['text'],
    }),
    'classes.rename': (input) => ({ ...room, name: (input as { name: string }).name }),
    'classes.remove': () => ({ removed: true }),
    'classes.fit': () => [],
  })
  const wrapper = mount(ClassesView, {
    global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    attachTo: document.body,
  })
  await flushPromises()
  await vi.waitFor(() => expect(wrapper.find('[data-testid="probe-state"]').text()).toMatch(/^ready/))
  return { wrapper, host }
}

describe('ClassesView', () => {
  beforeEach(() => {
    const draws2d = new Proxy({}, { get: () => () => undefined })
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(draws2d as RenderingContext)
    vi.stubGlobal('fetch', async () => new Response(new Uint8Array(32).buffer))
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('lists sets with built-ins read-only, opens the first user set on the first session, and marks labelled frames', async () => {
    const { wrapper, host } = await mountView()
    expect(wrapper.find('[data-testid="class-set-nyuv2-40"]').text()).toContain('read-only')
    expect(wrapper.find('[data-testid="class-set-user-room"]').classes()).toContain('selected')
    expect(host.called('classes.getLabels')).toContainEqual({
      sessionId: 'walk',
      classSetId: 'user-room',
      frameIndex: 0,
    })
    expect(wrapper.findAll('.marks button').map((b) => b.attributes('title'))).toEqual(['frame 2 has labels'])
    // The probe is ready: its prediction of the frame is fetched for the overlay.
    expect(host.called('segmentation.segmentFrame')).toContainEqual({
      sessionId: 'walk',
      frameIndex: 0,
      classSetId: 'user-room',
      mode: 'probe',
    })
  })

  it("shows a pack's class sets once the pack has loaded after the view opened", async () => {
    const { wrapper, host } = await mountView()
    expect(wrapper.find('[data-testid="class-set-demo"]').exists()).toBe(false)
    const demo: ClassSetDetail = { ...nyu, id: 'demo', name: 'Demo', source: 'pack', modes: ['text', 'probe'] }
    host.handlers['classes.list'] = () => [room, nyu, demo]
    host.emit('changed', { service: 'models' })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="class-set-demo"]').exists()).toBe(true))
    // The set being edited stays selected.
    expect(wrapper.find('[data-testid="class-set-user-room"]').classes()).toContain('selected')
    wrapper.unmount()
  })

  it('selects classes by their hotkeys and tools by letter', async () => {
    const { wrapper } = await mountView()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1' }))
    await flushPromises()
    expect(wrapper.find('[data-testid="pick-class-1"]').classes()).toContain('active')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3' }))
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'e' }))
    await flushPromises()
    expect(wrapper.find('[data-testid="pick-class-0"]').classes()).toContain('active')
    expect(wrapper.find('[data-testid="tool-eraser"]').classes()).toContain('active')
  })

  it('shows the probe status and an evaluation table with a bar per mode', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.find('[data-testid="held-out-accuracy"]').text()).toBe('87.5 %')
    expect(wrapper.find('[data-testid="loss-curve"] path').attributes('d')).toMatch(
      /^M0\.0,[\d.]+ L100\.0,[\d.]+ L200\.0,[\d.]+$/,
    )
    await wrapper.find('[data-testid="run-evaluation"]').trigger('click')
    await flushPromises()
    const rows = wrapper
      .findAll('[data-testid="evaluation-table"] tbody tr')
      .map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(rows).toEqual([
      ['chair', '10', '50.0', '90.0'],
      ['table', '5', '0.0', '60.0'],
      ['sofa', '0', '0.0', '—'],
      ['mIoU', '', '25.0', '75.0'],
      ['freq.-weighted IoU', '', '33.0', '80.0'],
      ['pixel accuracy', '', '50.0', '90.0'],
    ])
    // Predicted but absent from the ground truth: greyed and named as not averaged.
    expect(wrapper.findAll('[data-testid="evaluation-row"]').map((r) => r.classes().includes('absent'))).toEqual([
      false,
      false,
      true,
    ])
    expect(wrapper.find('[data-testid="evaluation-averaged"]').text()).toMatch(
      /averages the 2 classes present in the ground truth of these frames: chair, table\..*not averaged\): sofa/,
    )
    expect(wrapper.findAll('[data-testid="miou-chart"] rect').map((r) => r.attributes('width'))).toEqual([
      '32.5',
      '97.5',
    ])
    expect(wrapper.text()).toContain('ignored (not in the set): lamp')
  })

  it("opens a mode's confusion matrix from the evaluation table, row shares in percent", async () => {
    const { wrapper } = await mountView()
    await wrapper.find('[data-testid="run-evaluation"]').trigger('click')
    await flushPromises()
    await wrapper.find('[data-testid="open-confusion-text"]').trigger('click')
    const cells = wrapper
      .findAll('[data-testid="confusion-table"] tbody tr')
      .map((tr) => tr.findAll('td').map((td) => td.text()))
    // chair: 6 of 10 right, 2 as table, 2 as sofa; table: all 5 as chair; sofa has no ground truth.
    expect(cells).toEqual([
      ['60', '20', '20'],
      ['100', '', ''],
      ['', '', ''],
    ])
    await wrapper.find('[data-testid="confusion-close"]').trigger('click')
    expect(wrapper.find('[data-testid="confusion-dialog"]').exists()).toBe(false)
  })

  it("creates, renames and deletes sets in the app's own dialogs; a new set opens empty with its name field focused", async () => {
    const prompt = vi.fn()
    const confirm = vi.fn()
    vi.stubGlobal('prompt', prompt)
    vi.stubGlobal('confirm', confirm)
    const { wrapper, host } = await mountView()
    await wrapper.find('[data-testid="new-set"]').trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.find('[data-testid="prompt-input"]').element)
    await wrapper.find('[data-testid="prompt-input"]').setValue('Kitchen')
    await wrapper.find('[data-testid="prompt-dialog"] form').trigger('submit')
    await flushPromises()
    expect(host.called('classes.create')).toEqual([{ name: 'Kitchen' }])
    // No placeholder class: one blank row, its name field focused.
    expect(wrapper.find('[data-testid="empty-set-hint"]').exists()).toBe(true)
    const names = wrapper.findAll('[data-testid="class-editor"] input[aria-label="class name"]')
    expect(names.map((n) => (n.element as HTMLInputElement).value)).toEqual([''])
    expect(document.activeElement).toBe(names[0]?.element)
    expect(wrapper.find('[data-testid="save-classes"]').attributes('disabled')).toBeDefined()

    await wrapper.find('[data-testid="class-set-user-room"] [data-testid="rename-set"]').trigger('click')
    await flushPromises()
    expect((wrapper.find('[data-testid="prompt-input"]').element as HTMLInputElement).value).toBe('Room')
    await wrapper.find('[data-testid="prompt-input"]').setValue('Living room')
    await wrapper.find('[data-testid="prompt-dialog"] form').trigger('submit')
    await flushPromises()
    expect(host.called('classes.rename')).toEqual([{ id: 'user-room', name: 'Living room' }])

    await wrapper.find('[data-testid="class-set-user-room"] [data-testid="delete-set"]').trigger('click')
    expect(wrapper.find('[data-testid="confirm-dialog"]').text()).toContain(
      'Delete class set “Living room” and all its labels?',
    )
    await wrapper.find('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(host.called('classes.remove')).toEqual([{ id: 'user-room' }])
    expect(prompt).not.toHaveBeenCalled()
    expect(confirm).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it("says a pack set's probe came with the model pack and how to retrain it", async () => {
    setActivePinia(createPinia())
    const pack: ClassSetDetail = { ...room, id: 'demo', name: 'demo', source: 'pack', readOnly: true, hasProbe: true }
    const host = fakeHost({
      'classes.list': () => [pack],
      'classes.probeStatus': () => ({ ...probe, classSetId: 'demo', state: 'none' }),
      'classes.getLabels': () => ({
        sessionId: 'walk',
        classSetId: 'demo',
        frameIndex: 0,
        width: 8,
        height: 4,
        pixelCounts: [0, 0],
        labelMaskPath: null,
        revision: 0,
      }),
      'classes.labelledFrames': () => [],
      'segmentation.segmentFrame': () => ({ fullClassMapPath: '/data/segmentation/x', bytesPerIndex: 1 }),
      'sessions.list': () => [{ id: 'walk', name: 'Walk', frameCount: 5, width: 8, height: 4 }],
      'jobs.list': () => [],
    })
    const wrapper = mount(ClassesView, {
      global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } },
      attachTo: document.body,
    })
    await flushPromises()
    await vi.waitFor(() =>
      expect(wrapper.find('[data-testid="probe-state"]').text()).toContain(
        'probe from the model pack; duplicate the set to retrain it',
      ),
    )
    expect(wrapper.find('[data-testid="train-probe"]').attributes('disabled')).toBeDefined()
    wrapper.unmount()
  })
})
