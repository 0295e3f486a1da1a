/** `npm start` and `npm run serve` give the console host glibc's fixed mmap threshold on Linux only, and never override the user's. */
import { describe, expect, it } from 'vitest'
import { consoleHostEnv, fixedMmapThreshold } from '../../../../src-main/cli/host-env.mjs'

describe('the console host environment', () => {
  it('fixes the mmap threshold on Linux and keeps everything else', () => {
    const env = consoleHostEnv({ PATH: '/usr/bin', DVE_HOME: '/h' }, 'linux')
    expect(env).toEqual({ PATH: '/usr/bin', DVE_HOME: '/h', GLIBC_TUNABLES: fixedMmapThreshold })
    expect(fixedMmapThreshold).toBe('glibc.malloc.mmap_threshold=131072')
  })

  it('leaves a GLIBC_TUNABLES the user set, even an empty one, and other platforms alone', () => {
    expect(consoleHostEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')).toBeNull()
    expect(consoleHostEnv({ GLIBC_TUNABLES: '' }, 'linux')).toBeNull()
    expect(consoleHostEnv({ PATH: '/usr/bin' }, 'darwin')).toBeNull()
    expect(consoleHostEnv({ PATH: '/usr/bin' }, 'win32')).toBeNull()
  })
})
