/**
 * Fetches and decodes a session's frames for the Player: RGB through createImageBitmap (decoded off
 * the main thread by the browser), depth as a "DV16" payload. Keeps the most recent frames so
 * scrubbing back and forth and prefetched neighbours cost no round trip.
 */
import { decodeU16Payload, resourcePaths, type U16Image } from '@contract'

export interface PlayerFrame {
  index: number
  rgb: ImageBitmap
  depth: U16Image
}

export class FrameLoader {
  private readonly frames = new Map<number, Promise<PlayerFrame>>()

  constructor(
    private readonly dataUrl: (path: string) => string,
    readonly sessionId: string,
    private readonly capacity = 48,
  ) {}

  load(index: number): Promise<PlayerFrame> {
    const cached = this.frames.get(index)
    if (cached) {
      // Map order = recency.
      this.frames.delete(index)
      this.frames.set(index, cached)
      return cached
    }
    const pending = this.fetchFrame(index)
    pending.catch(() => this.frames.delete(index))
    this.frames.set(index, pending)
    this.evict()
    return pending
  }

  /** Starts loading frames that are likely next; errors surface when they are shown. */
  prefetch(indices: number[]): void {
    for (const index of indices) if (!this.frames.has(index)) void this.load(index).catch(() => undefined)
  }

  has(index: number): boolean {
    return this.frames.has(index)
  }

  dispose(): void {
    for (const pending of this.frames.values()) void pending.then((frame) => frame.rgb.close(), () => undefined)
    this.frames.clear()
  }

  private evict(): void {
    for (const [index, pending] of this.frames) {
      if (this.frames.size <= this.capacity) break
      this.frames.delete(index)
      void pending.then((frame) => frame.rgb.close(), () => undefined)
    }
  }

  private async fetchFrame(index: number): Promise<PlayerFrame> {
    const [rgbResponse, depthResponse] = await Promise.all([
      fetch(this.dataUrl(resourcePaths.frameImage(this.sessionId, index, 'rgb'))),
      fetch(this.dataUrl(resourcePaths.frameImage(this.sessionId, index, 'depth'))),
    ])
    if (!rgbResponse.ok) throw new Error(`Frame ${index} RGB: ${await rgbResponse.text()}`)
    if (!depthResponse.ok) throw new Error(`Frame ${index} depth: ${await depthResponse.text()}`)
    const [rgb, depthBytes] = await Promise.all([rgbResponse.blob().then((blob) => createImageBitmap(blob)), depthResponse.arrayBuffer()])
    return { index, rgb, depth: decodeU16Payload(depthBytes) }
  }
}
