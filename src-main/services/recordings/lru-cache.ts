/**
 * A small least-recently-used cache bounded by total size (bytes), with in-flight de-duplication:
 * concurrent loads of the same key share one promise, so a burst of seeks decodes each frame once.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>()
  private readonly loading = new Map<string, Promise<V>>()
  private totalSize = 0

  constructor(
    private readonly maxSize: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get size(): number {
    return this.totalSize
  }

  get count(): number {
    return this.entries.size
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    // Re-insert so Map order (oldest first) tracks recency.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V): void {
    const old = this.entries.get(key)
    if (old) {
      this.totalSize -= old.size
      this.entries.delete(key)
    }
    const size = this.sizeOf(value)
    if (size > this.maxSize) return
    this.entries.set(key, { value, size })
    this.totalSize += size
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalSize <= this.maxSize) break
      this.entries.delete(oldestKey)
      this.totalSize -= oldest.size
    }
  }

  /** The cached value, or the result of `load` (stored on success; failures are not cached). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key)
    if (cached !== undefined) return cached
    const pending = this.loading.get(key)
    if (pending) return pending
    const promise = load().then(
      (value) => {
        this.loading.delete(key)
        this.set(key, value)
        return value
      },
      (error: unknown) => {
        this.loading.delete(key)
        throw error
      },
    )
    this.loading.set(key, promise)
    return promise
  }

  /** Drops every key that starts with `prefix` (e.g. one session's frames after a delete). */
  deletePrefix(prefix: string): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue
      this.entries.delete(key)
      this.totalSize -= entry.size
    }
  }
}
