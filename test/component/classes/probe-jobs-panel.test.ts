// @vitest-environment happy-dom
/**
 * Labelling without friction, in the renderer: one labelled class asks for a second one (no
 * training call, no failed job), a stroke retrains at once (quick strokes once more at their end),
 * and a probe's auto-retrains show as one live job in the list.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ClassSetDetail, JobInfo, ProbeStatus } from '@contract'
import JobsPanel from '../../../src-renderer/src/components/common/JobsPanel.vue'
import ProbePanel from '../../../src-renderer/src/components/classes/ProbePanel.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { retrainDebounceMs, useClassesStore } from '../../../src-renderer/src/stores/classes'
import { fakeHost } from '../library/fake-host'

const set: ClassSetDetail = {
  id: 'user-room',
  name: 'Room',
  source: 'user',
  readOnly: false,
  classCount: 2,
  embeddingDim: 8,
  hasMeans: false,
  hasProbe: false,
  modes: ['text'],
  classes: [
    { name: 'chair', color: [230, 159, 0], prompts: [], hotkey: 1 },
    { name: 'table', color: [86, 180, 233], prompts: [], hotkey: 2 },
  ],
}
const status = (labelledClassCount: number): ProbeStatus => ({
  classSetId: 'user-room',
  state: 'none',
  jobId: null,
  error: null,
  labelledClassCount,
  lossCurve: [],
  heldOutAccuracy: null,
  perClassConfidence: [],
  pixelsPerClass: [],
  trainPixels: 0,
  heldOutPixels: 0,
  seconds: 0,
  trainedAt: null,
  modelId: null,
})
const job = (id: string, state: JobInfo['state'], startedAt: number, group?: string): JobInfo => ({
  id,
  kind: 'probe',
  title: 'Train probe: Room',
  state,
  done: 1,
  total: 30,
  etaSeconds: null,
  rate: null,
  message: '',
  startedAt,
  endedAt: null,
  error: null,
  ...(group ? { group } : {}),
})

describe('probe labelling flow', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks for a second class instead of training (and failing) after the first stroke', async () => {
    setActivePinia(createPinia())
    let labelled = 1
    const host = fakeHost({
      'classes.list': () => [set],
      'classes.probeStatus': () => status(labelled),
      'classes.trainProbe': () => ({ jobId: 'probe-1' }),
      'jobs.list': () => [],
    })
    const wrapper = mount(ProbePanel, {
      props: { set },
      global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    })
    const classes = useClassesStore()
    await classes.refresh()
    await flushPromises()
    expect(wrapper.find('[data-testid="probe-hint"]').text()).toBe('Paint a second class to train the probe.')
    expect(wrapper.find('[data-testid="train-probe"]').attributes('disabled')).toBeDefined()
    classes.strokeSaved()
    await vi.advanceTimersByTimeAsync(retrainDebounceMs + 10)
    await flushPromises()
    expect(host.called('classes.trainProbe')).toEqual([])
    // The second class is painted: the next stroke trains.
    labelled = 2
    classes.strokeSaved()
    await vi.advanceTimersByTimeAsync(retrainDebounceMs + 10)
    await flushPromises()
    expect(host.called('classes.trainProbe')).toEqual([{ classSetId: 'user-room' }])
    expect(wrapper.find('[data-testid="probe-hint"]').exists()).toBe(false)
  })

  it('retrains at once after a pause, and once more when a run of quick strokes ends', async () => {
    setActivePinia(createPinia())
    let runs = 0
    const host = fakeHost({
      'classes.list': () => [set],
      'classes.probeStatus': () => status(2),
      'classes.trainProbe': () => ({ jobId: `probe-${++runs}` }),
      'jobs.list': () => [],
    })
    mount(ProbePanel, { props: { set }, global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } } })
    const classes = useClassesStore()
    await classes.refresh()
    await flushPromises()
    // One stroke after a pause: the retrain starts without waiting for the window.
    classes.strokeSaved()
    await flushPromises()
    expect(host.called('classes.trainProbe')).toHaveLength(1)
    // Three quick strokes (each within the window of the one before): one more retrain, after the last.
    for (let k = 0; k < 3; k++) {
      await vi.advanceTimersByTimeAsync(retrainDebounceMs / 2)
      classes.strokeSaved()
      await flushPromises()
    }
    expect(host.called('classes.trainProbe')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(retrainDebounceMs + 10)
    await flushPromises()
    expect(host.called('classes.trainProbe')).toHaveLength(2)
    // Quiet afterwards: nothing more.
    await vi.advanceTimersByTimeAsync(5 * retrainDebounceMs)
    expect(host.called('classes.trainProbe')).toHaveLength(2)
  })

  it('follows a retrain that ends while its status request is answered', async () => {
    setActivePinia(createPinia())
    let ended = false
    const host: ReturnType<typeof fakeHost> = fakeHost({
      'classes.list': () => [set],
      'classes.probeStatus': () => {
        // The job's end event arrives before the status response that follows the start.
        if (host.called('classes.trainProbe').length > 0 && !ended) {
          ended = true
          host.emit('job', job('probe-1', 'done', 1, 'probe:user-room'))
        }
        return status(2)
      },
      'classes.trainProbe': () => ({ jobId: 'probe-1' }),
      'classes.get': () => set,
      'jobs.list': () => [],
    })
    mount(ProbePanel, { props: { set }, global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } } })
    const classes = useClassesStore()
    await classes.refresh()
    void classes.train()
    await flushPromises()
    expect(ended).toBe(true)
    // The set (with its new probe) is fetched again once the job is seen to end.
    expect(host.called('classes.get')).toEqual([{ id: 'user-room' }])
  })

  it('shows auto-retrains of one probe as one live job with its run count', async () => {
    setActivePinia(createPinia())
    const host = fakeHost({ 'jobs.list': () => [] })
    const wrapper = mount(JobsPanel, { global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } } })
    await flushPromises()
    host.emit('job', job('probe-1', 'cancelled', 1, 'probe:user-room'))
    host.emit('job', job('probe-2', 'cancelled', 2, 'probe:user-room'))
    host.emit('job', job('probe-3', 'running', 3, 'probe:user-room'))
    host.emit('job', { ...job('import-1', 'done', 0), kind: 'import', title: 'Import fr1' })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="job-row"]')
    expect(rows.map((r) => r.find('.job-title').text())).toEqual(['Train probe: Room · run 3', 'Import fr1'])
    expect(rows[0]?.attributes('data-state')).toBe('running')
  })
})
