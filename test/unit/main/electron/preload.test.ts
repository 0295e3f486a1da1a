/** The preload exposes one bridge with exactly four functions, each on its own fixed channel. */
import { describe, expect, it, vi } from 'vitest'
import { fake } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

describe('preload bridge', () => {
  it('exposes only request, pickPath, consoleServer and onEvent on window.dveBridge', async () => {
    fake.reset()
    await import('../../../../src-main/preload/index')
    expect([...fake.exposed.keys()]).toEqual(['dveBridge'])
    const bridge = fake.exposed.get('dveBridge') as Record<string, (...args: unknown[]) => unknown>
    expect(Object.keys(bridge).sort()).toEqual(['consoleServer', 'onEvent', 'pickPath', 'request'])
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true)

    const message = { kind: 'request', id: 7, service: 'app', method: 'info' }
    expect(await bridge.request?.(message)).toEqual({ channel: 'dve:request', args: [message] })
    expect(await bridge.pickPath?.('folder')).toEqual({ channel: 'dve:pick-path', args: ['folder'] })
    expect(await bridge.consoleServer?.({ op: 'list' })).toEqual({
      channel: 'dve:console-server',
      args: [{ op: 'list' }],
    })
    const unsubscribe = bridge.onEvent?.(() => undefined) as () => void
    unsubscribe()
    const channels = fake.calls
      .filter(([name]) => name.startsWith('ipcRenderer'))
      .map(([name, channel]) => `${name} ${String(channel)}`)
    expect(channels).toEqual([
      'ipcRenderer.invoke dve:request',
      'ipcRenderer.invoke dve:pick-path',
      'ipcRenderer.invoke dve:console-server',
      'ipcRenderer.on dve:event',
      'ipcRenderer.removeListener dve:event',
    ])
  })
})
