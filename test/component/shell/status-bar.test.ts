// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AppInfo, ConsoleEvents, EventMessage, JobInfo, RequestMessage, ResponseMessage } from '@contract'
import StatusBar from '../../../src-renderer/src/components/common/StatusBar.vue'
import JobsPanel from '../../../src-renderer/src/components/common/JobsPanel.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import type { Transport } from '../../../src-renderer/src/api/transport'

const info: AppInfo = {
  name: 'DVE Console',
  version: '1.2.3',
  host: 'browser',
  platform: 'linux-x64',
  activeModel: 'demo',
  executionProvider: 'cpu',
  nativeWork: { running: true, restarts: 0, lastCrash: null },
}

/** A fake host: answers app.info / jobs.list / jobs.cancel, and lets the test push events. */
function fakeTransport() {
  const listeners = new Set<(m: EventMessage) => void>()
  const cancelled: string[] = []
  const transport: Transport = {
    async request(message: RequestMessage): Promise<ResponseMessage> {
      const key = `${message.service}.${message.method}`
      if (key === 'app.info') return { kind: 'response', id: message.id, ok: true, result: info }
      if (key === 'jobs.list') return { kind: 'response', id: message.id, ok: true, result: [] }
      if (key === 'jobs.cancel') {
        cancelled.push((message.input as { id: string }).id)
        return { kind: 'response', id: message.id, ok: true, result: { cancelled: true } }
      }
      return { kind: 'response', id: message.id, ok: false, error: { code: 'not_found', message: key } }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dataUrl: (path) => path,
  }
  const emit = <E extends keyof ConsoleEvents>(name: E, payload: ConsoleEvents[E]) =>
    listeners.forEach((l) => l({ kind: 'event', name, payload }))
  return { transport, emit, cancelled }
}

function job(partial: Partial<JobInfo>): JobInfo {
  return {
    id: 'j1',
    kind: 'import',
    title: 'Import fr1',
    state: 'running',
    done: 5,
    total: 20,
    etaSeconds: 75,
    rate: 2,
    message: '',
    startedAt: Date.now(),
    endedAt: null,
    error: null,
    ...partial,
  }
}

describe('StatusBar and JobsPanel', () => {
  it('shows the active model, provider and a running job; the panel cancels it', async () => {
    setActivePinia(createPinia())
    const fake = fakeTransport()
    const client = createApiClient(fake.transport)
    const global = { provide: { [apiKey as symbol]: client }, plugins: [] }
    const bar = mount(StatusBar, { global })
    await flushPromises()
    expect(bar.get('[data-testid=status-model]').text()).toBe('Model: demo')
    expect(bar.get('[data-testid=status-provider]').text()).toBe('Provider: cpu')
    fake.emit('job', job({}))
    await flushPromises()
    expect(bar.get('[data-testid=status-jobs]').text()).toContain('Import fr1 25%')

    const panel = mount(JobsPanel, { global })
    expect(panel.text()).toContain('5 / 20')
    expect(panel.text()).toContain('ETA 1:15')
    await panel.get('[data-testid=job-cancel]').trigger('click')
    expect(fake.cancelled).toEqual(['j1'])

    fake.emit('job', job({ state: 'failed', error: 'rgb.txt line 4: bad timestamp' }))
    await flushPromises()
    expect(panel.text()).toContain('failed: rgb.txt line 4: bad timestamp')
    expect(bar.get('[data-testid=status-jobs]').text()).toBe('No background jobs')
  })

  it('says when the native-work process died and was restarted', async () => {
    setActivePinia(createPinia())
    const fake = fakeTransport()
    const bar = mount(StatusBar, { global: { provide: { [apiKey as symbol]: createApiClient(fake.transport) } } })
    await flushPromises()
    expect(bar.find('[data-testid=status-native]').exists()).toBe(false)
    fake.emit('appInfo', {
      ...info,
      nativeWork: { running: true, restarts: 1, lastCrash: { reason: 'killed by SIGKILL', at: Date.now() } },
    })
    await flushPromises()
    expect(bar.get('[data-testid=status-native]').text()).toBe('⚠ Native worker restarted (killed by SIGKILL)')
  })
})
