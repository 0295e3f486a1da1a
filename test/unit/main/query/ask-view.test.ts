// @vitest-environment happy-dom
/**
 * The Ask view against the real query service on the synthetic recording (the fake transport
 * dispatches `query.*` to it and serves its heatmap bytes): typing draws heatmaps, Enter searches,
 * moments jump, a click lists matching queries.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { querySpec, toWireError, type RequestMessage, type ResponseMessage } from '@contract'
import AskView from '../../../../src-renderer/src/views/AskView.vue'
import { apiKey } from '../../../../src-renderer/src/api/install'
import { createApiClient } from '../../../../src-renderer/src/api/client'
import type { Transport } from '../../../../src-renderer/src/api/transport'
import { queryFixture, removeFixtureHomes, type QueryFixture } from './synthetic-session'

function transportFor(fixture: QueryFixture): Transport {
  return {
    async request(message: RequestMessage): Promise<ResponseMessage> {
      try {
        if (message.service === 'jobs' && message.method === 'list') return { kind: 'response', id: message.id, ok: true, result: [] }
        if (message.service !== 'query' || !Object.hasOwn(querySpec, message.method)) throw new Error(`${message.service}.${message.method} is not served here`)
        const input = querySpec[message.method as keyof typeof querySpec].input.parse(message.input)
        const method = fixture.service[message.method as keyof typeof querySpec] as (input: unknown) => Promise<unknown>
        return { kind: 'response', id: message.id, ok: true, result: await method.call(fixture.service, input) }
      } catch (error) {
        return { kind: 'response', id: message.id, ok: false, error: toWireError(error) }
      }
    },
    onEvent: () => () => undefined,
    dataUrl: (path) => `http://console.test${path}`,
  }
}

afterAll(removeFixtureHomes)

describe('AskView', () => {
  let fixture: QueryFixture
  let router: Router

  beforeEach(async () => {
    setActivePinia(createPinia())
    fixture = queryFixture()
    vi.stubGlobal('fetch', async (url: string) => {
      const response = await fixture.data.handle(new URL(url).pathname.replace('/data/', ''), new URLSearchParams())
      return new Response(new Uint8Array(response.body), { headers: { 'content-type': response.contentType } })
    })
    router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/ask', name: 'ask', component: AskView }, { path: '/map', name: 'map', component: { template: '<div />' } }],
    })
    await router.push('/ask?session=synthetic&frame=15')
  })
  afterEach(() => vi.unstubAllGlobals())

  function mountView() {
    const client = createApiClient(transportFor(fixture))
    return mount(AskView, { global: { plugins: [router], provide: { [apiKey as symbol]: client } } })
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 80))
      await flushPromises()
    }
  }

  it('draws the heatmap region while typing, searches on Enter, and jumps to a moment', async () => {
    const view = mountView()
    await view.get('[data-testid=ask-input]').setValue('where is the couch?')
    await settle()
    expect(view.get('[data-testid=ask-heatmap]').attributes('data-layers')).toBe('1')
    expect(view.get('[data-testid=ask-region]').text()).toMatch(/^couch 0\.\d\d$/)

    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await settle()
    expect(view.get('[data-testid=ask-answer-text]').text()).toMatch(/^Seen once; last at 00:0\d \(frame (1\d|2[0-5])\)\.$/)
    const moments = view.findAll('[data-testid=ask-moment]')
    expect(moments).toHaveLength(5)
    const target = moments[2]
    const frame = Number(target?.attributes('data-frame'))
    await target?.trigger('click')
    await settle()
    expect(router.currentRoute.value.query.frame).toBe(String(frame))
    expect(target?.classes()).toContain('active')
  })

  it('says "not seen" for something absent, and lists matching queries where the frame is clicked', async () => {
    const view = mountView()
    await view.get('[data-testid=ask-input]').setValue('sofa')
    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await settle()
    await view.get('[data-testid=ask-input]').setValue('piano')
    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await settle()
    expect(view.get('[data-testid=ask-answer-text]').text()).toMatch(/^Not seen in this recording/)
    expect(view.findAll('[data-testid=ask-history-item]').map((item) => item.text())).toEqual([expect.stringMatching(/^piano/), expect.stringMatching(/^sofa/)])

    const stage = view.get('.ask-stage')
    Object.defineProperty(stage.element, 'getBoundingClientRect', { value: () => ({ left: 0, top: 0, width: 320, height: 240 }) })
    await stage.trigger('pointerdown', { clientX: 0.2 * 320, clientY: 0.6 * 240 })
    await settle()
    expect(view.get('[data-testid=ask-click-matches]').find('li').text()).toMatch(/^sofa /)
  })
})
