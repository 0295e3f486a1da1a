/**
 * The native-work process does not inherit the host's fixed mmap threshold (its page faults slowed the
 * model's path), but keeps a GLIBC_TUNABLES the user chose.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fixedMmapThreshold } from '../../../../src-main/platform/malloc-threshold.mjs'
import { forkNativeProcess, nativeWorkEnv, type NativeProcess } from '../../../../src-main/platform/native-process'

const saved = process.env.GLIBC_TUNABLES
const started: NativeProcess[] = []
afterEach(() => {
  started.splice(0).forEach((p) => p.kill())
  if (saved === undefined) delete process.env.GLIBC_TUNABLES
  else process.env.GLIBC_TUNABLES = saved
})

/** Starts a native-work process under `tunables` and asks it what it got. */
async function childTunables(tunables: string | undefined): Promise<unknown> {
  if (tunables === undefined) delete process.env.GLIBC_TUNABLES
  else process.env.GLIBC_TUNABLES = tunables
  const child = forkNativeProcess({ path: join(import.meta.dirname, 'env-native-entry.ts'), typescript: true })
  started.push(child)
  const answer = new Promise<unknown>((resolve) => child.onMessage(resolve))
  child.postMessage({ ask: true })
  return answer
}

describe("the native-work process's environment", () => {
  it('drops only the console fixed threshold, keeping everything else', () => {
    expect(nativeWorkEnv({ PATH: '/usr/bin', GLIBC_TUNABLES: fixedMmapThreshold })).toEqual({ PATH: '/usr/bin' })
    const chosen = { PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }
    expect(nativeWorkEnv(chosen)).toEqual(chosen)
    expect(nativeWorkEnv({ PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin' })
  })

  it('reaches a real child process that way', async () => {
    expect(await childTunables(fixedMmapThreshold)).toEqual({ glibcTunables: null })
    expect(await childTunables('glibc.malloc.arena_max=2')).toEqual({ glibcTunables: 'glibc.malloc.arena_max=2' })
  })
})
