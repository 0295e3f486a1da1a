/** Runs probe training in the probe worker; an abort terminates the worker mid-run. */
import type { Worker } from 'node:worker_threads'
import { ConsoleError } from '../../contract'
import { startWorker } from '../../platform/worker-entry'
import type { ProbeTrainingData, ProbeTrainingOptions, ProbeTrainingResult } from './probe-trainer'
import type { ProbeWorkerReply, ProbeWorkerRequest } from './probe-worker-protocol'

export class ProbeRunner {
  private worker: Worker | null = null
  private nextId = 0

  train(data: ProbeTrainingData, options: ProbeTrainingOptions, onEpoch: (epoch: number, loss: number) => void, signal: AbortSignal): Promise<ProbeTrainingResult> {
    signal.throwIfAborted()
    const worker = (this.worker ??= startWorker(import.meta.url, 'probe-worker'))
    const id = this.nextId++
    return new Promise<ProbeTrainingResult>((resolve, reject) => {
      const finish = () => {
        worker.off('message', onMessage)
        worker.off('error', onError)
        signal.removeEventListener('abort', onAbort)
      }
      const onMessage = (reply: ProbeWorkerReply) => {
        if (reply.id !== id) return
        if (reply.type === 'epoch') return onEpoch(reply.epoch, reply.loss)
        finish()
        if (reply.type === 'done') resolve(reply.result)
        else reject(new ConsoleError('internal', `Probe training failed: ${reply.message}`))
      }
      const onError = (error: Error) => {
        finish()
        this.worker = null
        reject(new ConsoleError('internal', `Probe worker crashed: ${error.message}`))
      }
      const onAbort = () => {
        finish()
        if (this.worker === worker) this.worker = null
        void worker.terminate()
        reject(new ConsoleError('cancelled', 'Probe training cancelled.'))
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      signal.addEventListener('abort', onAbort, { once: true })
      const request: ProbeWorkerRequest = { id, data, options }
      // Transferred, not copied (150 MB at 50k × 768): the samples are a fresh concatenation per run.
      worker.postMessage(request, [data.embeddings.buffer as ArrayBuffer, data.labels.buffer as ArrayBuffer])
    })
  }

  async dispose(): Promise<void> {
    await this.worker?.terminate()
    this.worker = null
  }
}
