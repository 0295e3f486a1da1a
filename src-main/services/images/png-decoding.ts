/**
 * PNG decoding off the event loop: the declared size is checked against the sensor limits first (a
 * 1 MB file can declare 20000 × 20000), then fast-png decodes in a small pool of worker threads.
 * fast-png rather than sharp because label images need their palette indices and exact samples as
 * stored. A thread that dies fails its own calls and is replaced on the next one.
 */
import { availableParallelism } from 'node:os'
import { startWorker } from '../../platform/worker-entry'
import { WorkerRequests } from '../../platform/worker-requests'
import { checkImageSize } from '../security/image-limits'
import type { DecodedPng, PngDecodeReply } from './png-decode-protocol'

export type { DecodedPng } from './png-decode-protocol'

/** Enough threads to keep the cores busy during an import, one left for the services. */
const poolSize = Math.max(1, Math.min(4, availableParallelism() - 1))
const pool: WorkerRequests<PngDecodeReply>[] = []

function leastBusy(): WorkerRequests<PngDecodeReply> {
  for (let i = 0; i < pool.length; i++) if (pool[i]?.failed) pool.splice(i--, 1)
  const idle = pool.find((w) => w.inFlight === 0)
  if (idle) return idle
  if (pool.length < poolSize) {
    const requests = new WorkerRequests<PngDecodeReply>(
      startWorker(import.meta.url, 'png-decode-worker'),
      'PNG decoding thread',
    )
    pool.push(requests)
    return requests
  }
  return pool.reduce((a, b) => (b.inFlight < a.inFlight ? b : a))
}

/** Decodes `bytes` (read from `file`, named in errors) after checking its declared size. */
export async function decodePng(bytes: Uint8Array, file: string): Promise<DecodedPng> {
  await checkImageSize(bytes, file)
  const thread = leastBusy()
  thread.worker.ref() // a decode in flight keeps the process alive; an idle pool does not
  try {
    return (await thread.request({ bytes })).image
  } finally {
    if (thread.inFlight === 0) thread.worker.unref()
  }
}
