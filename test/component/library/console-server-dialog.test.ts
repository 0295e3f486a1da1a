// @vitest-environment happy-dom
/**
 * The Electron-only "Connect to a console server…" dialog against a fake host bridge: remembered
 * servers listed, the token sent once and cleared, the fingerprint shown for confirmation on first
 * use and the attempt repeated with it, refusals shown, forget and disconnect.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { ConsoleServerReply, ConsoleServerRequest } from '@contract'
import ConsoleServerDialog from '../../../src-renderer/src/components/library/ConsoleServerDialog.vue'
import { consoleServerBridge } from '../../../src-renderer/src/api/console-servers'

const fingerprint = 'AB:'.repeat(31) + 'AB'
const origin = 'https://192.168.1.20:8080'

function fakeBridge(replies: ConsoleServerReply[]) {
  const requests: ConsoleServerRequest[] = []
  const list: ConsoleServerReply = {
    kind: 'servers',
    servers: [
      { origin: 'https://robot.local:8080', fingerprint256: fingerprint, tokenSaved: true, lastConnectedAt: null },
    ],
    connected: null,
    tokenStorage: 'encrypted',
  }
  const bridge = async (request: ConsoleServerRequest): Promise<ConsoleServerReply> => {
    requests.push(request)
    if (request.op === 'list') return list
    const reply = replies.shift() ?? list
    // Like the host: the server just opened is the connected one.
    if (reply.kind === 'connected' && list.kind === 'servers') list.connected = reply.server.origin
    return reply
  }
  return { bridge, requests, list }
}

afterEach(() => delete (globalThis as { dveBridge?: unknown }).dveBridge)

describe('console server dialog', () => {
  it('lists remembered servers, asks to confirm the fingerprint on first use, then connects with it', async () => {
    const { bridge, requests } = fakeBridge([
      { kind: 'confirm-fingerprint', origin, fingerprint256: fingerprint },
      {
        kind: 'connected',
        server: { origin, fingerprint256: fingerprint, tokenSaved: true, lastConnectedAt: '2026-12-05T10:00:00Z' },
      },
    ])
    const wrapper = mount(ConsoleServerDialog, { props: { bridge } })
    await flushPromises()
    expect(wrapper.get('[data-testid="console-server-list"]').text()).toContain('https://robot.local:8080')
    expect(wrapper.get('[data-testid="console-server-list"]').text()).toContain('token saved')

    await wrapper.get('[data-testid="console-server-url"]').setValue(origin)
    await wrapper.get('[data-testid="console-server-token"]').setValue(' secret-token-1234567 ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(requests[1]).toEqual({ op: 'connect', url: origin, token: 'secret-token-1234567', remember: true })
    expect(wrapper.get('[data-testid="console-server-fingerprint"]').text()).toBe(fingerprint)
    expect(wrapper.find('form').exists()).toBe(false)

    await wrapper.get('[data-testid="console-server-trust"]').trigger('click')
    await flushPromises()
    expect(requests[2]).toEqual({ ...requests[1], trustFingerprint: fingerprint })
    expect(wrapper.get('[data-testid="console-server-notice"]').text()).toBe(`${origin} is open in its own window.`)
    expect((wrapper.get('[data-testid="console-server-token"]').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('[data-testid="console-server-connected"]').text()).toContain(origin)
  })

  it('shows a refusal as it came, and connects a remembered server with its saved token', async () => {
    const message = `The certificate of https://robot.local:8080 has changed: it was pinned as ${fingerprint} and is now …`
    const { bridge, requests } = fakeBridge([{ kind: 'refused', message }])
    const wrapper = mount(ConsoleServerDialog, { props: { bridge } })
    await flushPromises()
    await wrapper.get('[data-testid="console-server-list"] button').trigger('click')
    await flushPromises()
    expect(requests[1]).toEqual({ op: 'connect', url: 'https://robot.local:8080', remember: true })
    expect(wrapper.get('[data-testid="console-server-error"]').text()).toBe(message)
    expect(wrapper.find('[data-testid="console-server-connected"]').exists()).toBe(false)
  })

  it('forgets a server, disconnects, and says when tokens cannot be remembered', async () => {
    const { bridge, requests, list } = fakeBridge([])
    if (list.kind === 'servers') {
      list.connected = 'https://robot.local:8080'
      list.tokenStorage = 'unavailable'
    }
    const wrapper = mount(ConsoleServerDialog, { props: { bridge } })
    await flushPromises()
    expect(wrapper.find('[data-testid="console-server-no-keychain"]').exists()).toBe(true)
    await wrapper.get('[data-testid="console-server-disconnect"]').trigger('click')
    await flushPromises()
    const forget = wrapper.findAll('[data-testid="console-server-list"] button').find((b) => b.text() === 'Forget')!
    await forget.trigger('click')
    await flushPromises()
    expect(requests.map((r) => r.op)).toEqual(['list', 'disconnect', 'forget'])
    expect(requests[2]).toEqual({ op: 'forget', origin: 'https://robot.local:8080' })
    await wrapper.get('[data-testid="console-server-close"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
  })

  it('exists only where the host offers the bridge (Electron), not in browser mode', async () => {
    expect(consoleServerBridge()).toBeNull()
    const sent: unknown[] = []
    ;(globalThis as { dveBridge?: unknown }).dveBridge = {
      consoleServer: async (request: unknown) => (sent.push(request), { kind: 'refused', message: 'no' }),
    }
    const bridge = consoleServerBridge()!
    expect(await bridge({ op: 'list' })).toEqual({ kind: 'refused', message: 'no' })
    expect(sent).toEqual([{ op: 'list' }])
  })
})
