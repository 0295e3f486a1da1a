/**
 * Per-frame, per-model embedding cache on disk: `<cache>/embeddings/<modelId>/<sessionId>/<frame>.dvemb`,
 * a 32-byte header then the normalised HWC map, either as fp16 (version 1: 2·D bytes per pixel) or
 * as k int8 codes on the model's frame basis (version 2, `frame-codes.ts`: k bytes per pixel).
 * Writes are atomic (a reader never sees half an entry); the total size is held under a budget by
 * evicting the least recently used entries, and the last GB of the disk is left to what cannot be
 * rebuilt (a live recording on a robot's small disk, maps).
 */
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { ConsoleError, formatBytes } from '../../contract'
import { writeFileAtomic } from '../../platform/atomic-write'
import { freeBytesAt } from '../../platform/free-space'

/** Free disk space the cache never writes into. */
export const cacheReserveBytes = 2 ** 30

const magic = 0x4d455644 // "DVEM" little-endian
const halvesVersion = 1
const codesVersion = 2
const headerBytes = 32

interface CachedMapBase {
  dim: number
  width: number
  height: number
  /** Size of the camera image the map was computed from (for the scale to camera pixels). */
  cameraWidth: number
  cameraHeight: number
}

/** fp16 bits of the normalised map, or k int8 codes per pixel on the model's frame basis. */
export type CachedMap = CachedMapBase & ({ halves: Uint16Array } | { codes: Int8Array; components: number })

interface IndexEntry {
  bytes: number
  lastUsed: number
}

export interface CacheCounts {
  bytes: number
  entries: number
}

export class EmbeddingCache {
  private index: Map<string, IndexEntry> | null = null
  /** Writes not finished yet (fsync included), by file: reads wait for them, so writers need not. */
  private readonly writing = new Map<string, Promise<void>>()
  private indexing: Promise<Map<string, IndexEntry>> | null = null
  /** The last background write failed: the next failures are not told. */
  private writesFailing = false
  /** Free bytes on the cache's disk when last looked up, less what was written since. */
  private free: { bytes: number; atMs: number } | null = null
  private readonly root: string

  constructor(
    cacheDir: string,
    private budget: number,
    private readonly onCorrupt: (file: string, reason: string) => void,
    private readonly freeBytes: (dir: string) => Promise<number> = freeBytesAt,
  ) {
    this.root = join(cacheDir, 'embeddings')
  }

  get budgetBytes(): number {
    return this.budget
  }

  /** A new disk budget; entries beyond it are evicted now, least recently used first. */
  async setBudget(bytes: number): Promise<void> {
    this.budget = bytes
    await this.evict(await this.loadIndex())
  }

  private file(modelId: string, sessionId: string, frameIndex: number): string {
    return join(this.root, modelId, sessionId, `${frameIndex}.dvemb`)
  }

  async has(modelId: string, sessionId: string, frameIndex: number): Promise<boolean> {
    const file = this.file(modelId, sessionId, frameIndex)
    await this.written(file)
    return (await this.loadIndex()).has(file)
  }

  async get(modelId: string, sessionId: string, frameIndex: number): Promise<CachedMap | null> {
    const file = this.file(modelId, sessionId, frameIndex)
    await this.written(file)
    const index = await this.loadIndex()
    const entry = index.get(file)
    if (!entry) return null
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch {
      index.delete(file)
      return null
    }
    const decoded = decodeEntry(bytes)
    if (typeof decoded === 'string') {
      this.onCorrupt(file, decoded)
      index.delete(file)
      await rm(file, { force: true })
      return null
    }
    entry.lastUsed = Date.now()
    const now = new Date(entry.lastUsed)
    await utimes(file, now, now).catch(() => undefined) // the mtime carries LRU order across restarts
    return decoded
  }

  /** Writes an entry; reads of it (and counts, clears) wait for the write, whoever awaits it or not. */
  put(modelId: string, sessionId: string, frameIndex: number, map: CachedMap): Promise<void> {
    const file = this.file(modelId, sessionId, frameIndex)
    const chunks = encodeEntry(map)
    const bytes = chunks[0].byteLength + chunks[1].byteLength
    const write = this.written(file).then(async () => {
      const index = await this.loadIndex()
      await this.keepReserve(bytes)
      await writeFileAtomic(file, chunks)
      index.set(file, { bytes, lastUsed: Date.now() })
      await this.evict(index)
    })
    const settled = write.catch(() => undefined)
    this.writing.set(file, settled)
    void settled.then(() => {
      if (this.writing.get(file) === settled) this.writing.delete(file)
    })
    return write
  }

  /**
   * `put` for a caller that does not wait: a failure goes to `failed` (the entry is then absent). Only
   * the first of a run of failures is told (a full disk fails every frame), until a write succeeds.
   */
  putBehind(
    modelId: string,
    sessionId: string,
    frameIndex: number,
    map: CachedMap,
    failed: (reason: string) => void,
  ): void {
    this.put(modelId, sessionId, frameIndex, map).then(
      () => (this.writesFailing = false),
      (error: unknown) => {
        if (this.writesFailing) return
        this.writesFailing = true
        const reason = error instanceof Error ? error.message : String(error)
        failed(`${reason} (frames that cannot be cached after this one are not reported until one is cached again)`)
      },
    )
  }

  /**
   * Refuses a write that would leave less than the reserve free. Free space is looked up every 10 s
   * and counted down by what was written in between (a live run writes ~12 MB/s at fp16).
   */
  private async keepReserve(bytes: number): Promise<void> {
    const now = Date.now()
    if (!this.free || now - this.free.atMs > 10_000) this.free = { bytes: await this.freeBytes(this.root), atMs: now }
    if (this.free.bytes - bytes < cacheReserveBytes)
      throw new ConsoleError(
        'unsupported',
        `Not cached: ${formatBytes(this.free.bytes)} free on the disk of ${this.root}, and the cache leaves the last ${formatBytes(cacheReserveBytes)} to recordings and maps.`,
        { file: this.root },
      )
    this.free.bytes -= bytes
  }

  /** Resolves when every write started so far has ended, failed or not. */
  idle(): Promise<void> {
    return this.written()
  }

  /** Resolves when the writes of `file` (or of every file) started so far have ended, failed or not. */
  private async written(file?: string): Promise<void> {
    if (file === undefined) await Promise.all(this.writing.values())
    else await this.writing.get(file)
  }

  async counts(filter?: { modelId?: string; sessionId?: string }): Promise<CacheCounts> {
    await this.written()
    const index = await this.loadIndex()
    let bytes = 0
    let entries = 0
    for (const [file, entry] of index) {
      if (filter && !this.matches(file, filter)) continue
      bytes += entry.bytes
      entries++
    }
    return { bytes, entries }
  }

  /** Removes entries of one session (every model), or everything. Returns bytes freed. */
  async clear(sessionId?: string): Promise<number> {
    await this.written()
    const index = await this.loadIndex()
    let freed = 0
    for (const [file, entry] of [...index]) {
      if (sessionId !== undefined && !this.matches(file, { sessionId })) continue
      await rm(file, { force: true })
      index.delete(file)
      freed += entry.bytes
    }
    return freed
  }

  private matches(file: string, filter: { modelId?: string; sessionId?: string }): boolean {
    const [modelId, sessionId] = file.slice(this.root.length + 1).split(/[\\/]/)
    return (
      (filter.modelId === undefined || filter.modelId === modelId) &&
      (filter.sessionId === undefined || filter.sessionId === sessionId)
    )
  }

  private async evict(index: Map<string, IndexEntry>): Promise<void> {
    let total = 0
    for (const entry of index.values()) total += entry.bytes
    if (total <= this.budget) return
    const oldestFirst = [...index].sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    for (const [file, entry] of oldestFirst) {
      if (total <= this.budget) break
      await rm(file, { force: true })
      index.delete(file)
      total -= entry.bytes
    }
  }

  private loadIndex(): Promise<Map<string, IndexEntry>> {
    if (this.index) return Promise.resolve(this.index)
    this.indexing ??= scan(this.root).then((index) => (this.index = index))
    return this.indexing
  }
}

async function scan(root: string): Promise<Map<string, IndexEntry>> {
  const index = new Map<string, IndexEntry>()
  const walk = async (dir: string, depth: number) => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue // temporary files of interrupted atomic writes
      const path = join(dir, entry.name)
      if (entry.isDirectory() && depth < 2) await walk(path, depth + 1)
      else if (entry.isFile() && entry.name.endsWith('.dvemb')) {
        // Another process sharing the cache may evict this entry between the listing and here.
        const info = await stat(path).catch(() => null)
        if (info) index.set(path, { bytes: info.size, lastUsed: info.mtimeMs })
      }
    }
  }
  await walk(root, 0)
  return index
}

/**
 * The entry's file as its header and its payload, the map's own bytes (not copied: a live frame's
 * 2.4 MB map copied into one buffer cost the host's main thread ~4 ms a frame, 2026-12-07).
 */
export function encodeEntry(map: CachedMap): [header: Uint8Array, payload: Uint8Array] {
  const payload = 'halves' in map ? map.halves : map.codes
  const header = new Uint8Array(headerBytes)
  const view = new DataView(header.buffer)
  const fields = [
    'halves' in map ? halvesVersion : codesVersion,
    map.dim,
    map.width,
    map.height,
    map.cameraWidth,
    map.cameraHeight,
    'halves' in map ? 0 : map.components,
  ]
  ;[magic, ...fields].forEach((value, i) => view.setUint32(i * 4, value, true))
  return [header, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)]
}

/** The entry, or why it is unusable. */
export function decodeEntry(bytes: Uint8Array): CachedMap | string {
  if (bytes.byteLength < headerBytes) return 'shorter than its header'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const field = (i: number) => view.getUint32(i * 4, true)
  const version = field(1)
  if (field(0) !== magic || (version !== halvesVersion && version !== codesVersion))
    return 'not a version-1 or version-2 embedding cache entry'
  const [dim, width, height, cameraWidth, cameraHeight, components] = [
    field(2),
    field(3),
    field(4),
    field(5),
    field(6),
    field(7),
  ]
  const base = { dim, width, height, cameraWidth, cameraHeight }
  const payload = bytes.subarray(headerBytes)
  if (version === codesVersion) {
    const count = components * width * height
    if (payload.byteLength !== count || components === 0)
      return `holds ${bytes.byteLength} bytes; ${headerBytes + count} expected for ${components} codes × ${width}×${height}`
    return {
      ...base,
      components,
      codes: new Int8Array(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength)),
    }
  }
  const count = dim * width * height
  if (payload.byteLength !== count * 2)
    return `holds ${bytes.byteLength} bytes; ${headerBytes + count * 2} expected for ${dim}×${width}×${height}`
  // Copy into an aligned buffer: a Uint16Array view needs an even byte offset.
  const halves = new Uint16Array(count)
  new Uint8Array(halves.buffer).set(payload)
  return { ...base, halves }
}
