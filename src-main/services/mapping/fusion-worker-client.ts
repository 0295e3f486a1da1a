/** Runs a build's fusion in the `fusion-worker` thread; frames' arrays are transferred, not copied. */
import { startWorker } from '../../platform/worker-entry'
import { WorkerRequests, type RequestBody } from '../../platform/worker-requests'
import type { FusionFrame, FusionStats } from './frame-fusion'
import type { FusedMap, FusedMapMeta } from './fused-map'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { mapBuffers, type FusionReply, type FusionRequest } from './fusion-protocol'

export class FusionWorkerClient implements FusionEngine {
  private constructor(private readonly thread: WorkerRequests<FusionReply>) {}

  static async start(init: FusionInit): Promise<FusionWorkerClient> {
    const client = new FusionWorkerClient(
      new WorkerRequests<FusionReply>(startWorker(import.meta.url, 'fusion-worker'), 'fusion worker'),
    )
    await client.request({ type: 'init', init }, init.restore ? mapBuffers(init.restore) : [])
    return client
  }

  async fuse(frame: FusionFrame): Promise<FusionStats & { voxelCount: number }> {
    const transfer = [frame.depthMeters.buffer, frame.rgb.buffer, frame.labels?.buffer, frame.embeddings?.data.buffer]
    const reply = await this.request(
      { type: 'fuse', frame },
      transfer.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer),
    )
    if (reply.ok && reply.type === 'fuse') return reply.stats
    throw new Error('fusion worker: unexpected reply')
  }

  async snapshot(meta: FusedMapMeta, withCodes: boolean, final = false): Promise<FusedMap> {
    const reply = await this.request({ type: 'snapshot', meta, withCodes, final }, [])
    if (reply.ok && reply.type === 'snapshot') return reply.map
    throw new Error('fusion worker: unexpected reply')
  }

  async dispose(): Promise<void> {
    await this.thread.worker.terminate()
  }

  private request(body: RequestBody<FusionRequest>, transfer: ArrayBuffer[]): Promise<FusionReply> {
    return this.thread.request(body, transfer)
  }
}
