import { describe, expect, it } from 'vitest'
import { LruCache } from '../../../../src-main/services/recordings/lru-cache'

describe('LruCache', () => {
  it('evicts the least recently used entries beyond the size budget', () => {
    const cache = new LruCache<string>(10, (v) => v.length)
    cache.set('a', 'aaaa')
    cache.set('b', 'bbbb')
    expect(cache.get('a')).toBe('aaaa') // a is now the most recent
    cache.set('c', 'cccc')
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe('aaaa')
    expect(cache.size).toBe(8)
    cache.set('huge', 'x'.repeat(11))
    expect(cache.get('huge')).toBeUndefined()
  })

  it('shares one load between concurrent callers and does not cache failures', async () => {
    const cache = new LruCache<number>(100, () => 1)
    let loads = 0
    const load = async () => {
      loads++
      return 42
    }
    expect(await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)])).toEqual([42, 42])
    expect(loads).toBe(1)
    await expect(cache.getOrLoad('bad', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await cache.getOrLoad('bad', load)).toBe(42)
  })

  it('drops a prefix', () => {
    const cache = new LruCache<string>(100, () => 1)
    cache.set('s1@1/0', 'x')
    cache.set('s1@1/1', 'y')
    cache.set('s2@1/0', 'z')
    cache.deletePrefix('s1@')
    expect(cache.count).toBe(1)
    expect(cache.get('s2@1/0')).toBe('z')
  })
})
