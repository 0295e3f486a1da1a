/**
 * A few entries kept by recency, newest last, the oldest let go beyond a count: what the inference
 * service remembers of the frames used last (their maps' sizes, and the last decoded maps, so a map
 * read again at once — a live frame embedded, then scored, then asked for — is not read and decoded again).
 */
export class RecentEntries<V> {
  private readonly entries = new Map<string, V>()

  constructor(private readonly keep: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key)
  }

  /** Keeps `value` as the newest; returns it. */
  set(key: string, value: V): V {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.keep) this.entries.delete(this.entries.keys().next().value as string)
    return value
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  /** Lets go of every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, value] of this.entries) if (matches(value)) this.entries.delete(key)
  }
}
