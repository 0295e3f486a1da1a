/** Worker thread that owns one build's voxel grid, so fusing never blocks the services' event loop. */
import { parentPort } from 'node:worker_threads'
import { toWireError } from '../../contract'
import { lowerThreadPriority } from '../../platform/thread-priority'
import { LocalFusion } from './fusion-engine'
import { mapBuffers, type FusionReply, type FusionRequest } from './fusion-protocol'

const port = parentPort
if (!port) throw new Error('fusion-worker must run in a worker thread.')
let fusion: LocalFusion | null = null
// Fusing is background work: the live model and the views come first on a busy CPU.
lowerThreadPriority()

port.on('message', (request: FusionRequest) => {
  try {
    if (request.type === 'init') {
      fusion = new LocalFusion(request.init)
      reply({ id: request.id, ok: true, type: 'init' })
      return
    }
    if (!fusion) throw new Error('fusion worker: "init" must come first.')
    if (request.type === 'fuse') reply({ id: request.id, ok: true, type: 'fuse', stats: fusion.fuseNow(request.frame) })
    else {
      const map = fusion.snapshotNow(request.meta, request.withCodes, request.final)
      reply({ id: request.id, ok: true, type: 'snapshot', map }, mapBuffers(map))
    }
  } catch (error) {
    reply({ id: request.id, ok: false, error: toWireError(error) })
  }
})

function reply(message: FusionReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}
