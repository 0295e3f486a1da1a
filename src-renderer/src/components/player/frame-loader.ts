/**
 * Fetches and decodes a session's frames for the Player: RGB through createImageBitmap (decoded off
 * the main thread by the browser), depth as a "DV16" payload. Keeps the most recent frames so
 * scrubbing back and forth and prefetched neighbours cost no round trip. Prefetch runs one frame at
 * a time and only while no seek is loading: the browser allows ~6 connections per host, and queued
 * prefetches must never delay the frame a person asked for.
 */
import { decodeU16Payload, resourcePaths, type U16Image } from '@contract'

export interface PlayerFrame {
  index: number
  rgb: ImageBitmap
  depth: U16Image
  /** Ground-truth labels when the frame has them and the loader was asked for them. */
  labels: U16Image | null
}

export class FrameLoader {
  private readonly frames = new Map<number, Promise<PlayerFrame>>()
  private prefetchQueue: number[] = []
  private prefetching = false
  private foregroundLoads = 0

  constructor(
    private readonly dataUrl: (path: string) => string,
    readonly sessionId: string,
    /** Frame indices that have a labels file (fetched alongside RGB and depth). */
    private readonly labelledFrames: ReadonlySet<number> = new Set(),
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
    const pending = this.fetchFrame(index, priority)
    pending.catch(() => this.frames.delete(index))
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
    for (const pending of this.frames.values()) void pending.then((frame) => frame.rgb.close(), () => undefined)
    this.frames.clear()
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
      }
    } finally {
      this.prefetching = false
    }
  }

  private evict(): void {
    for (const [index, pending] of this.frames) {
      if (this.frames.size <= this.capacity) break
      this.frames.delete(index)
      void pending.then((frame) => frame.rgb.close(), () => undefined)
    }
  }

  private async fetchFrame(index: number, priority: 'high' | 'low'): Promise<PlayerFrame> {
    const get = async (kind: 'rgb' | 'depth' | 'labels') => {
      const response = await fetch(this.dataUrl(resourcePaths.frameImage(this.sessionId, index, kind)), { priority })
      if (!response.ok) throw new Error(`Frame ${index} ${kind}: ${await response.text()}`)
      return response
    }
    const [rgb, depth, labels] = await Promise.all([
      get('rgb').then((r) => r.blob()).then((blob) => createImageBitmap(blob)),
      get('depth').then((r) => r.arrayBuffer()).then(decodeU16Payload),
      this.labelledFrames.has(index) ? get('labels').then((r) => r.arrayBuffer()).then(decodeU16Payload) : null,
    ])
    return { index, rgb, depth, labels }
  }
}
