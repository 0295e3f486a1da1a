/**
 * Recent segmentation payloads by token, served at `/data/segmentation/:token`. A frame is
 * segmented once; the renderer fetches the maps by URL instead of receiving them as JSON.
 */
import { randomBytes } from 'node:crypto'
import { ConsoleError } from '../../contract'
import type { DataRouter } from '../data-router'

/** Three payloads per segmented frame; room for a compare and a few played frames. */
const maxEntries = 96

export class SegmentationPayloadCache {
  private readonly entries = new Map<string, Uint8Array>()

  constructor(data: DataRouter) {
    data.register('segmentation/:token', async ({ token }) => {
      const body = this.entries.get(token ?? '')
      if (!body) throw new ConsoleError('not_found', `Segmentation payload "${token}" has expired; segment the frame again.`)
      return { body, contentType: 'application/octet-stream', immutable: true }
    })
  }

  put(bytes: Uint8Array): string {
    const token = randomBytes(9).toString('base64url')
    if (this.entries.size >= maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token, bytes)
    return token
  }
}
