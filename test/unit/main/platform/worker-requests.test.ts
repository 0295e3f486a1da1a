/** Request/reply over a worker thread: a reply this side cannot read fails its call instead of hanging. */
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerRequests, type WorkerReply } from '../../../../src-main/platform/worker-requests'

// Replies with a buffer it has already given away (what a snapshot sharing a transferred array did).
const detachingWorker = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', (request) => {
  const values = new Float32Array(4)
  if (request.detach) structuredClone(values, { transfer: [values.buffer] })
  parentPort.postMessage({ id: request.id, ok: true, values }, [values.buffer])
})`

let worker: Worker | null = null
afterEach(async () => {
  await worker?.terminate()
  worker = null
})

describe('worker requests', () => {
  it('fails a call whose reply cannot be read, and goes on answering the next', async () => {
    worker = new Worker(detachingWorker, { eval: true })
    const requests = new WorkerRequests<WorkerReply & { values?: Float32Array }>(worker, 'test worker')
    await expect(requests.request({ detach: true })).rejects.toThrow(
      /^The test worker sent a reply that could not be read: /,
    )
    expect(requests.inFlight).toBe(0)
    expect(requests.failed).toBeNull()
    const reply = await requests.request({ detach: false })
    expect(reply.values).toHaveLength(4)
  })
})
