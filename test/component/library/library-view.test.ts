// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { DetectedFormat, ImportReport, JobInfo, SessionSummary } from '@contract'
import LibraryView from '../../../src-renderer/src/views/LibraryView.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { fakeHost } from './fake-host'

function summary(partial: Partial<SessionSummary>): SessionSummary {
  return {
    id: 'kitchen-1',
    name: 'Kitchen',
    sourceFormat: 'tum',
    sourcePath: '/data/kitchen',
    createdAt: '2026-11-26T10:00:00Z',
    frameCount: 120,
    durationSec: 75,
    width: 640,
    height: 480,
    rgbWidth: 640,
    rgbHeight: 480,
    depthUnitMeters: 0.0002,
    hasPoses: true,
    posedFrameCount: 118,
    hasIntrinsics: false,
    hasLabels: false,
    sizeBytes: 5 * 2 ** 20,
    readOnly: false,
    ...partial,
  }
}

const report: ImportReport = {
  sessionId: 'redwood-ab12',
  name: 'open3d-redwood-rgbd',
  format: 'redwood',
  sourcePath: '/data/redwood',
  imported: 4,
  skipped: [{ sourceName: '00003', file: 'depth/00003.png', reason: 'truncated PNG' }],
  warnings: ['odometry.log has 5 entries'],
  durationSec: 0.4,
  intrinsicsAssumed: false,
  depthUnitMeters: 0.001,
  pgmByteOrder: null,
}
const detected: DetectedFormat[] = [
  {
    format: 'redwood',
    label: 'Open3D / Redwood',
    confidence: 0.9,
    reason: 'color/, depth/, odometry.log',
    frameCount: 5,
    needs: [],
  },
]

function job(partial: Partial<JobInfo>): JobInfo {
  return {
    id: 'import-1',
    kind: 'import',
    title: 'Import redwood',
    state: 'running',
    done: 2,
    total: 5,
    etaSeconds: 3,
    rate: 1,
    message: '',
    startedAt: 1,
    endedAt: null,
    error: null,
    ...partial,
  }
}

async function mountLibrary(sessions: SessionSummary[], detections: DetectedFormat[] = detected) {
  setActivePinia(createPinia())
  let finishImport: (r: ImportReport) => void = () => undefined
  const host = fakeHost({
    'sessions.list': () => sessions,
    'sessions.rename': (input) => ({ ...sessions[1]!, name: (input as { name: string }).name }),
    'sessions.delete': () => ({ deleted: true }),
    'sessions.detect': () => detections,
    'sessions.import': () => ({ jobId: 'import-1' }),
    'sessions.importReport': () => new Promise<ImportReport>((resolve) => (finishImport = resolve)),
    'jobs.list': () => [],
    'jobs.cancel': () => ({ cancelled: true }),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div/>' } },
      { path: '/player', name: 'player', component: { template: '<div/>' } },
    ],
  })
  const wrapper = mount(LibraryView, {
    global: { plugins: [router], provide: { [apiKey as symbol]: createApiClient(host.transport) } },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, host, router, finish: (r: ImportReport) => finishImport(r) }
}

describe('LibraryView', () => {
  const demo = summary({
    id: 'demo-apartment',
    name: 'Demo apartment',
    sourceFormat: 'synthetic',
    readOnly: true,
    hasIntrinsics: true,
    hasLabels: true,
  })
  const kitchen = summary({})

  it('lists sessions with their facts; the demo cannot be renamed or deleted', async () => {
    const { wrapper } = await mountLibrary([demo, kitchen])
    const card = wrapper.get('[data-testid=session-kitchen-1]')
    expect(card.text()).toContain('Kitchen')
    expect(card.text()).toContain('tum')
    expect(card.get('[data-testid=session-frames]').text()).toBe('120')
    expect(card.text()).toContain('1:15')
    expect(card.text()).toContain('640×480')
    expect(card.text()).toContain('5000 units/m')
    expect(card.text()).toContain('yes (118)')
    expect(card.text()).toContain('assumed')
    expect(card.text()).toContain('5.0 MB')
    expect(card.get('img').attributes('src')).toBe('http://fake/data/sessions/kitchen-1/thumbnail')
    const demoCard = wrapper.get('[data-testid=session-demo-apartment]')
    expect(demoCard.get('[data-testid=session-rename]').attributes('disabled')).toBeDefined()
    expect(demoCard.get('[data-testid=session-delete]').attributes('disabled')).toBeDefined()
    wrapper.unmount()
  })

  it('renames in place and deletes after confirmation', async () => {
    const { wrapper, host } = await mountLibrary([demo, kitchen])
    const card = wrapper.get('[data-testid=session-kitchen-1]')
    await card.get('[data-testid=session-rename]').trigger('click')
    await card.get('[data-testid=rename-input]').setValue('Kitchen, morning')
    await card.get('[data-testid=rename-input]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(host.called('sessions.rename')).toEqual([{ id: 'kitchen-1', name: 'Kitchen, morning' }])
    expect(wrapper.get('[data-testid=session-kitchen-1] [data-testid=session-name]').text()).toBe('Kitchen, morning')

    await wrapper.get('[data-testid=session-kitchen-1] [data-testid=session-delete]').trigger('click')
    expect(host.called('sessions.delete')).toEqual([])
    await wrapper.get('[data-testid=confirm-ok]').trigger('click')
    await flushPromises()
    expect(host.called('sessions.delete')).toEqual([{ id: 'kitchen-1' }])
    expect(wrapper.find('[data-testid=session-kitchen-1]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('imports: detect, start, progress with ETA, cancel, then the report', async () => {
    const { wrapper, host, finish } = await mountLibrary([demo])
    await wrapper.get('[data-testid=library-import]').trigger('click')
    await wrapper.get('[data-testid=import-path]').setValue('/data/redwood')
    await wrapper.get('[data-testid=import-detect]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=detect-reason]').text()).toContain('odometry.log')
    await wrapper.get('[data-testid=import-start]').trigger('click')
    await flushPromises()
    expect(host.called('sessions.import')).toEqual([{ path: '/data/redwood', options: { format: 'redwood' } }])
    host.emit('job', job({}))
    await flushPromises()
    expect(wrapper.get('[data-testid=import-progress-text]').text()).toContain('2 / 5 frames · 1.0/s · ETA 0:03')
    await wrapper.get('[data-testid=import-cancel]').trigger('click')
    expect(host.called('jobs.cancel')).toEqual([{ id: 'import-1' }])
    finish(report)
    await flushPromises()
    const shown = wrapper.get('[data-testid=import-report]')
    expect(shown.get('[data-testid=report-imported]').text()).toBe('4')
    expect(shown.text()).toContain('depth/00003.png')
    expect(shown.text()).toContain('truncated PNG')
    expect(shown.text()).toContain('odometry.log has 5 entries')
    expect(wrapper.find('[data-testid=import-progress]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('opens the options a source needs and passes what was set', async () => {
    const samples: DetectedFormat = {
      format: 'dveformer-samples',
      label: 'DVEFormer samples',
      confidence: 0.7,
      reason: 'rgb/, depth/',
      frameCount: 2,
      needs: ['intrinsics'],
    }
    const { wrapper, host } = await mountLibrary([demo], [samples])
    await wrapper.get('[data-testid=library-import]').trigger('click')
    await wrapper.get('[data-testid=import-path]').setValue('/data/samples')
    await wrapper.get('[data-testid=import-detect]').trigger('click')
    await flushPromises()
    // The intrinsics the source lacks are asked for right away.
    await wrapper.get('[data-testid=import-name]').setValue('Kinect samples')
    await wrapper.get('[data-testid=import-depth-scale]').setValue('1000')
    for (const [key, value] of [
      ['fx', '525'],
      ['fy', '525'],
      ['cx', '319.5'],
      ['cy', '239.5'],
    ])
      await wrapper.get(`[data-testid=import-${key}]`).setValue(value)
    await wrapper.get('[data-testid=import-pose-file]').setValue('poses.txt')
    await wrapper.get('[data-testid=import-start]').trigger('click')
    await flushPromises()
    expect(host.called('sessions.import')).toEqual([
      {
        path: '/data/samples',
        options: {
          format: 'dveformer-samples',
          name: 'Kinect samples',
          depthUnitMeters: 0.001,
          poseFile: 'poses.txt',
          intrinsics: { fx: 525, fy: 525, cx: 319.5, cy: 239.5 },
        },
      },
    ])
    wrapper.unmount()
  })

  it('in Electron, picks a folder or a file in the native dialog and detects it', async () => {
    const asked: string[] = []
    const bridge = { pickPath: async (kind: string) => (asked.push(kind), kind === 'file' ? '/data/run.mcap' : null) }
    Object.assign(globalThis, { dveBridge: bridge })
    try {
      const { wrapper, host } = await mountLibrary([demo])
      await wrapper.get('[data-testid=library-import]').trigger('click')
      await wrapper.get('[data-testid=import-browse]').trigger('click')
      await flushPromises()
      // Cancelled: nothing detected, no server-side browser either.
      expect(host.called('sessions.detect')).toEqual([])
      expect(wrapper.find('[data-testid=file-browser]').exists()).toBe(false)
      await wrapper.get('[data-testid=import-browse-file]').trigger('click')
      await flushPromises()
      expect(asked).toEqual(['folder', 'file'])
      expect(host.called('sessions.detect')).toEqual([{ path: '/data/run.mcap' }])
      expect((wrapper.get('[data-testid=import-path]').element as HTMLInputElement).value).toBe('/data/run.mcap')
      wrapper.unmount()
    } finally {
      Reflect.deleteProperty(globalThis, 'dveBridge')
    }
  })
})
