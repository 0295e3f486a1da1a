// Worker thread that decodes PNGs with fast-png, so a large image never holds the services' event
// loop. Plain JS on purpose: from source, a TypeScript worker needs the tsx loader registered inside
// the thread, which can stall for good in a busy process; this module needs nothing but fast-png.
// Messages: png-decode-protocol.ts.
import { parentPort } from 'node:worker_threads'
import { decode } from 'fast-png'

const port = parentPort
if (!port) throw new Error('png-decode-worker must run in a worker thread.')

port.on('message', (/** @type {{ id: number, bytes: Uint8Array }} */ { id, bytes }) => {
  try {
    const png = decode(bytes)
    const data =
      png.data instanceof Uint16Array
        ? png.data
        : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength)
    const image = { width: png.width, height: png.height, channels: png.channels, depth: png.depth, data }
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
    port.postMessage({ id, ok: true, image }, whole ? [data.buffer] : [])
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    port.postMessage({ id, ok: false, error: { code: 'bad_file', message } })
  }
})
