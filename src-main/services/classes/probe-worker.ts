/**
 * The probe worker: trains one probe per message off the main thread (ORT sessions stay warm between
 * runs). Cancelling terminates the worker; the runner starts a new one for the next run.
 */
import { parentPort } from 'node:worker_threads'
import { OrtProbeMath } from './ort-probe-math'
import { trainProbe } from './probe-trainer'
import type { ProbeWorkerRequest, ProbeWorkerReply } from './probe-worker-protocol'

const port = parentPort
if (!port) throw new Error('probe-worker must run in a worker thread')
let math: Promise<OrtProbeMath> | null = null

port.on('message', (request: ProbeWorkerRequest) => {
  const reply = (message: ProbeWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
  void (async () => {
    try {
      math ??= OrtProbeMath.create()
      const result = await trainProbe(request.data, request.options, await math, (epoch, loss) => reply({ type: 'epoch', id: request.id, epoch, loss }))
      reply({ type: 'done', id: request.id, result }, [result.weights.buffer as ArrayBuffer, result.bias.buffer as ArrayBuffer])
    } catch (error) {
      reply({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) })
    }
  })()
})
