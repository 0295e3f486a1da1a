/**
 * Data-plane routes for frames (`resourcePaths.frameImage`, `resourcePaths.sessionThumbnail`):
 * RGB as the stored JPEG/PNG bytes, depth and labels as "DV16" raw payloads (contract/frame-payloads.ts),
 * and all three in one "DVFB" bundle (contract/frame-bundle.ts) for the Player. Frame reads wait in
 * a priority gate (a seek's frame before the Player's prefetches) and stop once their client has gone.
 */
import { availableParallelism } from 'node:os'
import { ConsoleError, encodeFrameBundle, encodeU16Payload } from '../../contract'
import type { DataResponse, DataRouter } from '../data-router'
import { PriorityGate } from '../priority-gate'
import type { SessionFrameReader } from './session-frame-reader'
import type { SessionStore } from './session-store'
import type { Thumbnails } from './thumbnails'

const u16ContentType = 'application/x-dve-u16'

export function registerFrameRoutes(
  data: DataRouter,
  store: SessionStore,
  reader: SessionFrameReader,
  thumbnails: Thumbnails,
): void {
  data.register('sessions/:sessionId/thumbnail', async ({ sessionId }) => ({
    body: await thumbnails.thumbnail(await store.get(sessionId as string)),
    contentType: 'image/jpeg',
  }))
  // One frame read decodes depth and labels in parallel: a slot per core (two at least, one of them kept for foreground).
  const reads = new PriorityGate(Math.max(2, availableParallelism()))
  data.register('sessions/:sessionId/frames/:index/:kind', ({ sessionId, index, kind }, _query, request) => {
    const frameIndex = parseIndex(index as string)
    return reads.run(request, () =>
      frameResponse(reader, sessionId as string, frameIndex, kind as string, request.signal),
    )
  })
}

/**
 * One frame image as the data plane serves it (also used by the seek benchmark). Work stops between
 * steps once `signal` aborts (before the decodes start, and before the encode); a decode already
 * started finishes into the shared frame cache, where the next seek to that frame finds it.
 */
export async function frameResponse(
  reader: SessionFrameReader,
  sessionId: string,
  index: number,
  kind: string,
  signal?: AbortSignal,
): Promise<DataResponse> {
  signal?.throwIfAborted()
  switch (kind) {
    case 'rgb': {
      const { bytes, contentType } = await reader.rgbBytes(sessionId, index)
      return { body: bytes, contentType, immutable: true }
    }
    case 'depth':
      return {
        body: encodeU16Payload(await reader.depthRaw(sessionId, index)),
        contentType: u16ContentType,
        immutable: true,
      }
    case 'bundle': {
      const [rgb, depth, labels] = await Promise.all([
        reader.rgbBytes(sessionId, index),
        reader.depthRaw(sessionId, index),
        reader.labelsRaw(sessionId, index),
      ])
      signal?.throwIfAborted()
      const body = encodeFrameBundle(rgb.bytes, encodeU16Payload(depth), labels && encodeU16Payload(labels))
      return { body, contentType: 'application/x-dve-frame', immutable: true }
    }
    case 'labels': {
      const labels = await reader.labelsRaw(sessionId, index)
      if (!labels) throw new ConsoleError('not_found', `Frame ${index} of session "${sessionId}" has no labels.`)
      return { body: encodeU16Payload(labels), contentType: u16ContentType, immutable: true }
    }
    default:
      throw new ConsoleError('not_found', `Unknown frame image kind "${kind}" (rgb, depth, labels or bundle).`)
  }
}

function parseIndex(text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new ConsoleError('invalid_input', `Frame index "${text}" is not a non-negative integer.`)
  return Number(text)
}
