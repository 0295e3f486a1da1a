/** The real Electron entry registers the app scheme as soon as it loads, before `ready`. */
import { describe, expect, it, vi } from 'vitest'
import { fake } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

describe('Electron entry (out/main/index.js)', () => {
  it('registers the privileged scheme at load, before ready, and nothing else before ready', async () => {
    fake.reset()
    await import('../../../../src-main/electron/main')
    expect(fake.ready).toBe(false)
    expect(fake.calls.map(([name]) => name)).toEqual(['registerSchemesAsPrivileged', 'requestSingleInstanceLock'])
  })
})
