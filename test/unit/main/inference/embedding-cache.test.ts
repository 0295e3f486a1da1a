import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  EmbeddingCache,
  cacheReserveBytes,
  decodeEntry,
  encodeEntry,
  type CachedMap,
} from '../../../../src-main/services/inference/embedding-cache'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dve-cache-'))
  dirs.push(dir)
  return dir
}

function map(seed: number): Extract<CachedMap, { halves: Uint16Array }> {
  return {
    dim: 4,
    width: 3,
    height: 2,
    cameraWidth: 12,
    cameraHeight: 8,
    halves: Uint16Array.from({ length: 24 }, (_, i) => seed * 100 + i),
  }
}
const entryBytes = 32 + 24 * 2

describe('embedding cache', () => {
  it('round-trips entries and rejects wrong sizes', () => {
    const bytes = Buffer.concat(encodeEntry(map(3)))
    expect(bytes.byteLength).toBe(entryBytes)
    const back = decodeEntry(bytes)
    expect(typeof back).toBe('object')
    expect([...(back as Extract<CachedMap, { halves: Uint16Array }>).halves]).toEqual([...map(3).halves])
    expect(decodeEntry(bytes.subarray(0, 40))).toMatch(/holds 40 bytes; 80 expected for 4×3×2/)
    expect(decodeEntry(new Uint8Array(10))).toMatch(/shorter than its header/)
  })

  it('evicts the least recently used entries beyond the budget', async () => {
    const cache = new EmbeddingCache(tempDir(), 3 * entryBytes, () => undefined)
    await cache.put('m', 's', 0, map(0))
    await cache.put('m', 's', 1, map(1))
    await cache.put('m', 's', 2, map(2))
    await new Promise((r) => setTimeout(r, 5))
    expect(await cache.get('m', 's', 0)).not.toBeNull() // 0 is now the most recent
    await cache.put('m', 's', 3, map(3))
    expect(await cache.has('m', 's', 1)).toBe(false)
    expect(await cache.has('m', 's', 0)).toBe(true)
    expect(await cache.counts()).toEqual({ bytes: 3 * entryBytes, entries: 3 })
  })

  it('rebuilds its index from disk with mtimes as LRU order, ignoring temporary files', async () => {
    const dir = tempDir()
    const first = new EmbeddingCache(dir, 10 * entryBytes, () => undefined)
    await first.put('m', 's', 0, map(0))
    await first.put('m', 's', 1, map(1))
    const folder = join(dir, 'embeddings', 'm', 's')
    writeFileSync(join(folder, '.2.dvemb.tmp-1-0'), 'half written')
    utimesSync(join(folder, '1.dvemb'), new Date(1000), new Date(1000))
    const second = new EmbeddingCache(dir, entryBytes, () => undefined)
    expect(await second.counts()).toEqual({ bytes: 2 * entryBytes, entries: 2 })
    await second.put('m', 't', 0, map(5)) // over budget: both old entries go, oldest first
    expect(await second.has('m', 's', 1)).toBe(false)
    expect(await second.counts({ sessionId: 't' })).toEqual({ bytes: entryBytes, entries: 1 })
  })

  it('evicts down to a lowered budget at once', async () => {
    const cache = new EmbeddingCache(tempDir(), 10 * entryBytes, () => undefined)
    for (let i = 0; i < 5; i++) await cache.put('m', 's', i, map(i))
    await cache.setBudget(2 * entryBytes)
    expect(cache.budgetBytes).toBe(2 * entryBytes)
    expect(await cache.counts()).toEqual({ bytes: 2 * entryBytes, entries: 2 })
    expect(await cache.has('m', 's', 4)).toBe(true)
  })

  it('round-trips a codes entry (version 2: k int8 codes per pixel) and checks its size', () => {
    const codes = Int8Array.from({ length: 3 * 4 * 2 }, (_, i) => ((i * 37) % 255) - 127)
    const entry: CachedMap = {
      dim: 768,
      width: 4,
      height: 2,
      cameraWidth: 640,
      cameraHeight: 480,
      codes,
      components: 3,
    }
    const bytes = Buffer.concat(encodeEntry(entry))
    expect(bytes.byteLength).toBe(32 + 24)
    const back = decodeEntry(bytes) as Extract<CachedMap, { codes: Int8Array }>
    expect([back.dim, back.width, back.height, back.components, ...back.codes]).toEqual([768, 4, 2, 3, ...codes])
    expect(decodeEntry(bytes.subarray(0, 50))).toBe('holds 50 bytes; 56 expected for 3 codes × 4×2')
  })

  it('drops a corrupt entry and reports it', async () => {
    const dir = tempDir()
    const reported: string[] = []
    const cache = new EmbeddingCache(dir, 10 * entryBytes, (file, reason) => reported.push(`${file}: ${reason}`))
    await cache.put('m', 's', 0, map(0))
    writeFileSync(join(dir, 'embeddings', 'm', 's', '0.dvemb'), new Uint8Array(50))
    expect(await cache.get('m', 's', 0)).toBeNull()
    expect(reported[0]).toMatch(/0\.dvemb: not a version-1 or version-2 embedding cache entry/)
    expect(readdirSync(join(dir, 'embeddings', 'm', 's'))).toEqual([])
  })

  it('clears one session or everything', async () => {
    const cache = new EmbeddingCache(tempDir(), 10 * entryBytes, () => undefined)
    await cache.put('m', 'a', 0, map(0))
    await cache.put('n', 'a', 0, map(1))
    await cache.put('m', 'b', 0, map(2))
    expect(await cache.clear('a')).toBe(2 * entryBytes)
    expect(await cache.counts()).toEqual({ bytes: entryBytes, entries: 1 })
    expect(await cache.clear()).toBe(entryBytes)
  })

  it('answers reads, counts and clears after the writes started before them, awaited or not', async () => {
    const cache = new EmbeddingCache(tempDir(), 10 * entryBytes, () => undefined)
    // Nobody awaits these writes (as the live turn does not): each read still sees its entry.
    void cache.put('m', 's', 0, map(0))
    expect(await cache.has('m', 's', 0)).toBe(true)
    void cache.put('m', 's', 1, map(1))
    const back = (await cache.get('m', 's', 1)) as Extract<CachedMap, { halves: Uint16Array }>
    expect([...back.halves]).toEqual([...map(1).halves])
    void cache.put('m', 's', 2, map(2))
    expect(await cache.counts()).toEqual({ bytes: 3 * entryBytes, entries: 3 })
    void cache.put('m', 't', 0, map(3))
    expect(await cache.clear()).toBe(4 * entryBytes) // the last write landed before the clear, not after it
    expect(await cache.counts()).toEqual({ bytes: 0, entries: 0 })
  })

  it('a failed write fails its put and leaves no entry for the reads waiting on it', async () => {
    const dir = tempDir()
    const cache = new EmbeddingCache(dir, 10 * entryBytes, () => undefined)
    writeFileSync(join(dir, 'embeddings'), 'a file where the folder should be')
    const put = cache.put('m', 's', 0, map(0))
    const read = cache.get('m', 's', 0)
    await expect(put).rejects.toThrow()
    expect(await read).toBeNull()
  })

  it('tells the first of a run of failed background writes, and again after one succeeded', async () => {
    const root = tempDir()
    const cache = new EmbeddingCache(root, 100 * entryBytes, () => undefined)
    // Session "s" cannot be written: where its folder would be, there is a file.
    await cache.put('m', 'other', 0, map(0))
    writeFileSync(join(root, 'embeddings', 'm', 's'), 'not a folder')
    const told: string[] = []
    for (let k = 0; k < 5; k++) cache.putBehind('m', 's', k, map(k), (reason) => told.push(reason))
    await cache.idle()
    expect(told).toHaveLength(1)
    expect(told[0]).toMatch(/not reported until one is cached again/)
    cache.putBehind('m', 'other', 1, map(1), (reason) => told.push(reason))
    await cache.idle()
    cache.putBehind('m', 's', 9, map(9), (reason) => told.push(reason))
    await cache.idle()
    expect(told).toHaveLength(2)
    expect(await cache.has('m', 'other', 1)).toBe(true)
  })

  it('leaves the last GB of the disk to recordings, counting its own writes between lookups', async () => {
    let free = cacheReserveBytes + 2.5 * entryBytes
    const lookups: string[] = []
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const cache = new EmbeddingCache(
        tempDir(),
        100 * entryBytes,
        () => undefined,
        async (dir) => {
          lookups.push(dir)
          return free
        },
      )
      await cache.put('m', 's', 0, map(0))
      await cache.put('m', 's', 1, map(1))
      await expect(cache.put('m', 's', 2, map(2))).rejects.toThrow(
        /^Not cached: 1\.0 GB free on the disk of .*embeddings, and the cache leaves the last 1\.0 GB to recordings and maps\.$/,
      )
      expect(await cache.has('m', 's', 2)).toBe(false)
      expect(lookups).toHaveLength(1)
      // Space was freed; the next lookup (10 s on) sees it.
      free = cacheReserveBytes + 100 * entryBytes
      vi.setSystemTime(Date.now() + 11_000)
      await cache.put('m', 's', 2, map(2))
      expect(lookups).toHaveLength(2)
      expect(await cache.counts()).toEqual({ bytes: 3 * entryBytes, entries: 3 })
    } finally {
      vi.useRealTimers()
    }
  })
})
