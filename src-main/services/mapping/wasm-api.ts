/** The part of the WebAssembly JS API the scan uses (the Node typings in use do not declare it); undefined where missing. */
export interface WasmMemory {
  buffer: ArrayBuffer
  grow(pages: number): number
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports?: { env: { memory: WasmMemory } }) => { exports: unknown }
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory
}
export const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly
