/**
 * Recent heatmap bytes by token, served at `/data/query/heatmaps/:token`. A frame query computes
 * the scores once; the renderer fetches the bytes by URL instead of receiving them as JSON.
 */
import { randomBytes } from 'node:crypto'
import { ConsoleError } from '../../contract'
import type { DataRouter } from '../data-router'

const maxEntries = 64

export class HeatmapCache {
  private readonly entries = new Map<string, Uint8Array>()

  constructor(data: DataRouter) {
    data.register('query/heatmaps/:token', async ({ token }) => {
      const body = this.entries.get(token ?? '')
      if (!body) throw new ConsoleError('not_found', `Heatmap "${token}" has expired; run the query again.`)
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
