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
        if (message.service === 'jobs' && message.method === 'list')
          return { kind: 'response', id: message.id, ok: true, result: [] }
        if (message.service !== 'query' || !Object.hasOwn(querySpec, message.method))
          throw new Error(`${message.service}.${message.method} is not served here`)
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
      routes: [
        { path: '/ask', name: 'ask', component: AskView },
        { path: '/map', name: 'map', component: { template: '<div />' } },
      ],
    })
    await router.push('/ask?session=synthetic&frame=15')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    globalThis.localStorage?.clear()
  })

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
  /** Waits for a search to finish (the first one indexes the recording, slower on a loaded machine). */
  async function searched(view: ReturnType<typeof mountView>, text: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const answer = view.find('[data-testid=ask-answer-text]')
      if (answer.exists() && answer.text().includes(text)) return
      await settle()
    }
  }

  it('draws the heatmap region while typing, searches on Enter, and jumps to a moment', async () => {
    const view = mountView()
    await view.get('[data-testid=ask-input]').setValue('where is the couch?')
    await settle()
    expect(view.get('[data-testid=ask-heatmap]').attributes('data-layers')).toBe('1')
    // Plain words by default: a ring with the name, no scores; Advanced adds the scored box.
    expect(view.get('[data-testid=ask-ring]').text()).toBe('couch · most likely here')
    expect(view.find('[data-testid=ask-region]').exists()).toBe(false)

    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await searched(view, 'couch')
    expect(view.get('[data-testid=ask-answer-text]').text()).toBe(
      'The couch was last seen at 00:05 into the recording. Seen once in this recording.',
    )
    expect(view.find('[data-testid=ask-answer-details]').exists()).toBe(false)
    // One visit, one moment; the "possible" ones below the decision appear in Advanced only.
    expect(view.findAll('[data-testid=ask-moment]')).toHaveLength(1)
    await view.get('[data-testid=ask-advanced]').setValue(true)
    await settle()
    expect(globalThis.localStorage.getItem('dve.ask.advanced')).toBe('1')
    expect(view.get('[data-testid=ask-region]').text()).toMatch(/^couch 0\.\d\d$/)
    expect(view.get('[data-testid=ask-answer-details]').text()).toMatch(/^threshold 0\.60 \(pack\)/)
    const moments = view.findAll('[data-testid=ask-moment]')
    expect(moments.map((m) => m.attributes('data-decision'))).toEqual([
      'seen',
      'possible',
      'possible',
      'possible',
      'possible',
    ])
    const target = moments[2]
    const frame = Number(target?.attributes('data-frame'))
    await target?.trigger('click')
    await settle()
    expect(router.currentRoute.value.query.frame).toBe(String(frame))
    expect(target?.classes()).toContain('active')
  })

  it('says "not seen" for something absent, and says what is where the frame is clicked', async () => {
    const view = mountView()
    await view.get('[data-testid=ask-input]').setValue('sofa')
    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await searched(view, 'sofa')
    await view.get('[data-testid=ask-input]').setValue('piano')
    await view.get('[data-testid=ask-input]').trigger('keydown', { key: 'Enter' })
    await searched(view, 'piano')
    expect(view.get('[data-testid=ask-answer-text]').text()).toBe('The piano was not seen in this recording.')
    expect(view.findAll('[data-testid=ask-history-item]').map((item) => item.text())).toEqual([
      expect.stringMatching(/^piano/),
      expect.stringMatching(/^sofa/),
    ])

    const stage = view.get('.ask-stage')
    Object.defineProperty(stage.element, 'getBoundingClientRect', {
      value: () => ({ left: 0, top: 0, width: 320, height: 240 }),
    })
    await stage.trigger('pointerdown', { clientX: 0.2 * 320, clientY: 0.6 * 240 })
    await settle()
    expect(view.get('[data-testid=ask-click-here]').text()).toBe('Here: sofa')
  })
})
