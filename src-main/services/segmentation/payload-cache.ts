/**
 * Recent binary payloads by random token, served on one data route (e.g. `segmentation/:token`).
 * A frame is computed once; the renderer fetches the bytes by URL instead of receiving them as
 * JSON. Generic over the route, so other token-addressed payloads (Ask heatmaps) can share it.
 */
import { randomBytes } from 'node:crypto'
import { ConsoleError } from '../../contract'
import type { DataRouter } from '../data-router'

export class TokenPayloadCache {
  private readonly entries = new Map<string, Uint8Array>()

  /** `route` must end in `:token`; `expiredHint` tells the user how to get the payload again. */
  constructor(
    data: DataRouter,
    route: `${string}/:token`,
    private readonly maxEntries: number,
    expiredHint: string,
  ) {
    data.register(route, async ({ token }) => {
      const body = this.entries.get(token ?? '')
      if (!body) throw new ConsoleError('not_found', `Payload "${token}" has expired; ${expiredHint}.`)
      return { body, contentType: 'application/octet-stream', immutable: true }
    })
  }

  put(bytes: Uint8Array): string {
    const token = randomBytes(9).toString('base64url')
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token, bytes)
    return token
  }
}
