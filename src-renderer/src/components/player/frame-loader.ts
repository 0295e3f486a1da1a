/**
 * Fetches and decodes a session's frames for the Player: one "DVFB" bundle per frame (RGB, depth,
 * labels), RGB decoded by createImageBitmap off the main thread. Keeps the most recent frames so
 * scrubbing back and forth and prefetched neighbours cost no round trip. Prefetch runs one frame at
 * a time and only while no seek is loading: the browser allows ~6 connections per host, and queued
 * prefetches must never delay the frame a person asked for (a seek aborts the one in flight, which
 * stops its work on the server, and prefetches say they are background work, which the server
 * serves after foreground frames).
 */
import { backgroundPriority, dataPriorityHeader, decodeFrameBundle, resourcePaths, type U16Image } from '@contract'

export interface PlayerFrame {
  index: number
  rgb: ImageBitmap
  depth: U16Image
  /** Ground-truth labels, when the frame has them. */
  labels: U16Image | null
}

export class FrameLoader {
  private readonly frames = new Map<number, Promise<PlayerFrame>>()
  private prefetchQueue: number[] = []
  private prefetching = false
  private foregroundLoads = 0
  private prefetchInFlight: { index: number; abort: AbortController } | null = null

  constructor(
    private readonly dataUrl: (path: string) => string,
    readonly sessionId: string,
    private readonly capacity = 48,
  ) {}

  load(index: number, priority: 'high' | 'low' = 'high'): Promise<PlayerFrame> {
    const cached = this.frames.get(index)
    if (cached) {
      // Map order = recency.
      this.frames.delete(index)
      this.frames.set(index, cached)
      return cached
    }
    if (priority === 'high') this.abortPrefetch()
    const abort = new AbortController()
    const pending = this.fetchFrame(index, priority, abort.signal)
    if (priority === 'low') this.prefetchInFlight = { index, abort }
    pending.catch(() => {
      // Only our own entry: an aborted prefetch may already have been replaced by a new load.
      if (this.frames.get(index) === pending) this.frames.delete(index)
    })
    this.frames.set(index, pending)
    this.evict()
    if (priority === 'high') {
      this.foregroundLoads++
      void pending.then(
        () => this.foregroundDone(),
        () => this.foregroundDone(),
      )
    }
    return pending
  }

  /** Replaces the frames to load in the background (likely next); errors surface when they are shown. */
  prefetch(indices: number[]): void {
    this.prefetchQueue = indices.filter((index) => !this.frames.has(index))
    void this.pumpPrefetch()
  }

  has(index: number): boolean {
    return this.frames.has(index)
  }

  dispose(): void {
    for (const pending of this.frames.values())
      void pending.then(
        (frame) => frame.rgb.close(),
        () => undefined,
      )
    this.frames.clear()
  }

  private abortPrefetch(): void {
    const inFlight = this.prefetchInFlight
    if (!inFlight) return
    this.prefetchInFlight = null
    this.frames.delete(inFlight.index)
    inFlight.abort.abort()
  }

  private foregroundDone(): void {
    this.foregroundLoads--
    void this.pumpPrefetch()
  }

  private async pumpPrefetch(): Promise<void> {
    if (this.prefetching) return
    this.prefetching = true
    try {
      while (this.foregroundLoads === 0) {
        const next = this.prefetchQueue.shift()
        if (next === undefined) break
        if (!this.frames.has(next)) await this.load(next, 'low').catch(() => undefined)
        this.prefetchInFlight = null
      }
    } finally {
      this.prefetching = false
    }
  }

  private evict(): void {
    for (const [index, pending] of this.frames) {
      if (this.frames.size <= this.capacity) break
      this.frames.delete(index)
      void pending.then(
        (frame) => frame.rgb.close(),
        () => undefined,
      )
    }
  }

  private async fetchFrame(index: number, priority: 'high' | 'low', signal: AbortSignal): Promise<PlayerFrame> {
    const response = await fetch(this.dataUrl(resourcePaths.frameImage(this.sessionId, index, 'bundle')), {
      priority,
      signal,
      headers: priority === 'low' ? { [dataPriorityHeader]: backgroundPriority } : {},
    })
    if (!response.ok) throw new Error(`Frame ${index}: ${await response.text()}`)
    const bundle = decodeFrameBundle(await response.arrayBuffer())
    const rgb = await createImageBitmap(new Blob([bundle.rgb]))
    return { index, rgb, depth: bundle.depth, labels: bundle.labels }
  }
}
