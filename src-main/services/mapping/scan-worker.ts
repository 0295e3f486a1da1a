/** A helper thread of the map's relevancy pass (relevancy-chunks.ts): it scans chunks of the same shared memory. */
import { parentPort, workerData } from 'node:worker_threads'
import { RelevancyControl, type RelevancyFunction } from './relevancy-chunks'
import { wasm, type WasmMemory } from './wasm-api'

interface ScanWorkerData {
  module: object
  memory: WasmMemory
  control: number
  thread: number
}

const { module, memory, control, thread } = workerData as ScanWorkerData
const instance = new wasm!.Instance(module, { env: { memory } })
parentPort?.postMessage('ready')
new RelevancyControl(memory.buffer, control).serve(
  (instance.exports as { relevancy: RelevancyFunction }).relevancy,
  thread,
)
