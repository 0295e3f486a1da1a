/**
 * Request/reply over a worker thread: numbered requests, transferred buffers, and every pending call
 * failed (never left hanging) when the thread dies.
 */
import type { Worker } from 'node:worker_threads'
import { fromWireError, type WireError } from '../contract'

export type WorkerReply = { id: number } & ({ ok: true } | { ok: false; error: WireError })
type Pending<Reply> = { resolve: (reply: Reply) => void; reject: (error: Error) => void }
/** The requests' bodies without the id this class assigns. */
export type RequestBody<T> = T extends { id: number } ? Omit<T, 'id'> : never

export class WorkerRequests<Reply extends WorkerReply> {
  private readonly pending = new Map<number, Pending<Reply>>()
  private nextId = 1
  private failure: Error | null = null

  constructor(
    readonly worker: Worker,
    name: string,
  ) {
    worker.on('message', (reply: Reply) => {
      const entry = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      if (reply.ok) entry?.resolve(reply)
      else entry?.reject(fromWireError(reply.error))
    })
    const rejectPending = (error: Error): void => {
      for (const entry of this.pending.values()) entry.reject(error)
      this.pending.clear()
    }
    const fail = (error: Error): void => {
      this.failure ??= error
      rejectPending(error)
    }
    // A reply the thread sent but this side could not read (e.g. a detached buffer in its transfer
    // list): its id is unknown, so every pending call fails rather than one waiting forever.
    worker.on('messageerror', (error: Error) =>
      rejectPending(new Error(`The ${name} sent a reply that could not be read: ${error.message}`)),
    )
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`The ${name} stopped (exit code ${code}).`)))
  }

  /** Why the thread is gone, or null while it runs. */
  get failed(): Error | null {
    return this.failure
  }

  get inFlight(): number {
    return this.pending.size
  }

  request(body: object, transfer: ArrayBuffer[] = []): Promise<Extract<Reply, { ok: true }>> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (reply) => resolve(reply as Extract<Reply, { ok: true }>), reject })
      this.worker.postMessage({ ...body, id }, [...new Set(transfer)])
    })
  }
}
