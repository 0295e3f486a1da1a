/** Runs a build's fusion in the `fusion-worker` thread; frames' arrays are transferred, not copied. */
import type { Worker } from 'node:worker_threads'
import { fromWireError } from '../../contract'
import { startWorker } from '../../platform/worker-entry'
import type { FusionFrame, FusionStats } from './frame-fusion'
import type { FusedMap, FusedMapMeta } from './fused-map'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { mapBuffers, type FusionReply, type FusionRequest } from './fusion-protocol'

type Pending = { resolve: (reply: FusionReply) => void; reject: (error: Error) => void }
type Body<T> = T extends { id: number } ? Omit<T, 'id'> : never

export class FusionWorkerClient implements FusionEngine {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private failure: Error | null = null

  private constructor(worker: Worker) {
    this.worker = worker
    worker.on('message', (reply: FusionReply) => {
      const entry = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      entry?.resolve(reply)
    })
    const fail = (error: Error): void => {
      this.failure = error
      for (const entry of this.pending.values()) entry.reject(error)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`The fusion worker stopped (exit code ${code}).`)))
  }

  static async start(init: FusionInit): Promise<FusionWorkerClient> {
    const client = new FusionWorkerClient(startWorker(import.meta.url, 'fusion-worker'))
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

  async snapshot(meta: FusedMapMeta, withCodes: boolean): Promise<FusedMap> {
    const reply = await this.request({ type: 'snapshot', meta, withCodes }, [])
    if (reply.ok && reply.type === 'snapshot') return reply.map
    throw new Error('fusion worker: unexpected reply')
  }

  async dispose(): Promise<void> {
    await this.worker.terminate()
  }

  private request(body: Body<FusionRequest>, transfer: ArrayBuffer[]): Promise<FusionReply> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<FusionReply>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (reply) => (reply.ok ? resolve(reply) : reject(fromWireError(reply.error))),
        reject,
      })
      this.worker.postMessage({ ...body, id }, [...new Set(transfer)])
    })
  }
}
