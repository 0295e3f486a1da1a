// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ModelManifest, ModelPackInfo, ProviderStatus } from '@contract'
import ModelsView from '../../../src-renderer/src/views/ModelsView.vue'
import { apiKey } from '../../../src-renderer/src/api/install'
import { createApiClient } from '../../../src-renderer/src/api/client'
import { fakeHost } from '../library/fake-host'

const manifest: ModelManifest = {
  format: 'dve-model-pack', version: 1, name: 'demo', description: 'demo world model',
  image: {
    onnx: 'image.onnx', inputs: { rgb: 'rgb', depth: 'depth' }, output: 'emb', inputSize: { height: 240, width: 320 }, outputStride: 4,
    embeddingDim: 256, rgbMean: [123.675, 116.28, 103.53], rgbStd: [58.395, 57.12, 57.375], depthUnitMeters: 0.001,
    depthMean: 2841.9, depthStd: 1417.3, depthMaxMeters: null, invalidDepthValue: 0,
  },
  text: null, classSets: [], relevancy: null,
}

function pack(partial: Partial<ModelPackInfo>): ModelPackInfo {
  return { id: 'demo', dir: '/models/demo', source: 'shipped', name: 'demo', manifest, errors: [], valid: true, active: false, graph: null, ...partial }
}

const providers: ProviderStatus = { order: ['tensorrt', 'cuda', 'cpu'], active: 'cpu', fallbacks: ['tensorrt: not installed', 'cuda: not installed'] }

async function mountView(packs: ModelPackInfo[]) {
  setActivePinia(createPinia())
  const host = fakeHost({
    'models.list': () => packs,
    'models.providers': () => providers,
    'models.activate': (input) => ({ ...packs.find((p) => p.id === (input as { id: string }).id)!, active: true, graph: { ok: true, provider: 'cpu', imageOutputDims: [1, 256, 60, 80], checkedAt: 'now' } }),
    'models.setProviderOrder': (input) => ({ ...providers, order: (input as { order: string[] }).order }),
    'inference.cacheStatus': () => ({ modelId: 'demo-1', bytes: 2 ** 20, budgetBytes: 2 ** 32, entries: 12, sessionFramesCached: 0 }),
    'sessions.list': () => [],
    'jobs.list': () => [],
    'app.info': () => null,
  })
  const wrapper = mount(ModelsView, { global: { provide: { [apiKey as symbol]: createApiClient(host.transport) } } })
  await flushPromises()
  return { wrapper, host }
}

describe('ModelsView', () => {
  it('lists packs with manifest facts, errors and the active one; activates a valid pack', async () => {
    const broken = pack({ id: 'broken', name: 'broken', valid: false, errors: ['model.json: image.embeddingDim is 16 but the model outputs 8 channels.'] })
    const { wrapper, host } = await mountView([pack({ id: 'alpha', name: 'alpha', active: true }), pack({}), broken])
    expect(wrapper.find('[data-testid="pack-alpha"] [data-testid="pack-active"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="pack-demo"] [data-testid="pack-dim"]').text()).toBe('256-d')
    expect(wrapper.find('[data-testid="pack-broken"] [data-testid="pack-errors"]').text()).toContain('image.embeddingDim is 16')
    expect(wrapper.find('[data-testid="pack-broken"] [data-testid="pack-activate"]').attributes('disabled')).toBeDefined()

    await wrapper.find('[data-testid="pack-demo"] [data-testid="pack-activate"]').trigger('click')
    await flushPromises()
    expect(host.called('models.activate')).toEqual([{ id: 'demo' }])
    expect(wrapper.find('[data-testid="pack-demo"] [data-testid="pack-active"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="pack-alpha"] [data-testid="pack-active"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="pack-demo"] [data-testid="pack-provider"]').text()).toContain('cpu')
  })

  it('shows the provider in use and reorders providers', async () => {
    const { wrapper, host } = await mountView([pack({ active: true })])
    expect(wrapper.find('[data-testid="provider-active"]').text()).toContain('cpu')
    expect(wrapper.find('[data-testid="provider-order"]').text()).toContain('skipped cuda: not installed')
    const upButtons = wrapper.findAll('[data-testid="provider-order"] button[title="Try earlier"]')
    await upButtons[2]?.trigger('click')
    await flushPromises()
    expect(host.called('models.setProviderOrder')).toEqual([{ order: ['tensorrt', 'cpu', 'cuda'] }])
  })
})
