/**
 * The map's hot loop — one dot product of every voxel's int8 code with the query — as a tiny
 * WebAssembly SIMD module (`i16x8.load8x8_s` + `i32x4.dot_i16x8_s`), several times faster than the
 * scalar JS loop. The module is assembled here, so no binary ships. The query is quantised to int16
 * (relative error ~1.5e-5); sums stay in int32 (64 × 127 × 32767 < 2³¹).
 */

const i32 = 0x7f
const v128 = 0x7b
const simd = 0xfd

function uleb(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))]

/** dot(codes, query, out, count, k): out[i] = Σ_j codes[i·k + j] · query[j] for k a multiple of 8. */
function moduleBytes(): Uint8Array {
  const [codes, query, out, count, k, end, j, acc] = [0, 1, 2, 3, 4, 5, 6, 7]
  const get = (local: number) => [0x20, local]
  const set = (local: number) => [0x21, local]
  const body = [
    ...get(codes),
    ...get(count),
    ...get(k),
    0x6c,
    0x6a,
    ...set(end), // end = codes + count·k
    0x02,
    0x40, // block $done
    0x03,
    0x40, // loop $voxels
    ...get(codes),
    ...get(end),
    0x4f,
    0x0d,
    1, // br_if $done when codes ≥ end
    simd,
    0x0c,
    ...new Array<number>(16).fill(0),
    ...set(acc), // acc = 0
    0x41,
    0,
    ...set(j),
    0x03,
    0x40, // loop $inner
    ...get(acc),
    ...get(codes),
    ...get(j),
    0x6a,
    simd,
    0x01,
    0,
    0, // i16x8.load8x8_s (codes + j)
    ...get(query),
    ...get(j),
    0x41,
    1,
    0x74,
    0x6a,
    simd,
    0x00,
    0,
    0, // v128.load (query + 2j)
    simd,
    ...uleb(0xba), // i32x4.dot_i16x8_s
    simd,
    ...uleb(0xae), // i32x4.add
    ...set(acc),
    ...get(j),
    0x41,
    8,
    0x6a,
    0x22,
    j,
    ...get(k),
    0x49,
    0x0d,
    0, // j += 8; br_if $inner when j < k
    0x0b,
    ...get(out),
    ...get(acc),
    simd,
    0x1b,
    0,
    ...get(acc),
    simd,
    0x1b,
    1,
    0x6a,
    ...get(acc),
    simd,
    0x1b,
    2,
    0x6a,
    ...get(acc),
    simd,
    0x1b,
    3,
    0x6a,
    0x36,
    0,
    0, // i32.store
    ...get(out),
    0x41,
    4,
    0x6a,
    ...set(out),
    ...get(codes),
    ...get(k),
    0x6a,
    ...set(codes),
    0x0c,
    0, // br $voxels
    0x0b,
    0x0b,
    0x0b, // end loop, end block, end function
  ]
  const locals = [2, 2, i32, 1, v128]
  const code = [...locals, ...body]
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 5, i32, i32, i32, i32, i32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('dot'), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ])
}

interface DotExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  dot: (codes: number, query: number, out: number, count: number, k: number) => void
}

/** The part of the WebAssembly JS API used here (the Node typings in use do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

const pageBytes = 65536

/** Int8 codes copied once into WebAssembly memory; `dot` scans them all against one int16 query. */
export class Int8DotScanner {
  private readonly exports: DotExports
  private readonly queryOffset = 0
  private readonly outOffset: number
  private readonly codesOffset: number

  private constructor(
    exports: DotExports,
    readonly count: number,
    readonly k: number,
  ) {
    this.exports = exports
    this.outOffset = 2 * k + ((16 - ((2 * k) % 16)) % 16)
    this.codesOffset = this.outOffset + 4 * count
    const needed = this.codesOffset + count * k
    const memory = this.exports.memory
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / pageBytes))
  }

  /** A scanner for `count` codes of `k` values, or null where WebAssembly SIMD is missing or k is not a multiple of 8. */
  static create(codes: Int8Array, k: number): Int8DotScanner | null {
    const scanner = Int8DotScanner.allocate(codes.length / k, k)
    scanner?.codes.set(codes)
    return scanner
  }

  /**
   * A scanner with room for `count` zeroed codes, filled in place through `codes` (a large index is read
   * from disk straight into WebAssembly memory instead of being held twice); null as for `create`.
   */
  static allocate(count: number, k: number): Int8DotScanner | null {
    if (!wasm || k % 8 !== 0 || !(count > 0)) return null
    try {
      const instance = new wasm.Instance(new wasm.Module(moduleBytes()))
      return new Int8DotScanner(instance.exports as DotExports, count, k)
    } catch {
      return null
    }
  }

  /** The codes in WebAssembly memory, count × k (a fresh view: memory never grows after construction). */
  get codes(): Int8Array {
    return new Int8Array(this.exports.memory.buffer, this.codesOffset, this.count * this.k)
  }

  /** Σ_j code[i][j] · query[j] for every voxel i; the view is valid until the next call. */
  dot(query: Int16Array): Int32Array {
    const { memory, dot } = this.exports
    new Int16Array(memory.buffer, this.queryOffset, this.k).set(query)
    dot(this.codesOffset, this.queryOffset, this.outOffset, this.count, this.k)
    return new Int32Array(memory.buffer, this.outOffset, this.count)
  }
}
