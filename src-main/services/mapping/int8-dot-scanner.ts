/**
 * The hot loops of the map and recording queries — a dot product of every int8 code with the query,
 * and a recording's per-frame best cell — in a tiny WebAssembly SIMD module (int8-scan-module.ts),
 * several times faster than scalar JS. The query is quantised to int16 (relative error ~1.5e-5).
 */
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../../platform/worker-entry'
import { relevancyTable, relevancyTableHalfWidth, relevancyTableStepsPerUnit } from '../query/relevancy'
import { scanModuleBytes } from './int8-scan-module'
import { controlBytes, maxChunks, RelevancyControl, type RelevancyFunction } from './relevancy-chunks'
import { relevancyBins, relevancyHistogramCopies } from './relevancy-steps'
import { wasm, type WasmMemory } from './wasm-api'

interface DotExports {
  memory: WasmMemory
  dot: (codes: number, query: number, out: number, count: number, k: number) => void
  frameMax: (
    codes: number,
    query: number,
    neg: number,
    negStep: number,
    out: number,
    groups: number,
    per: number,
    k: number,
    scale: number,
    offset: number,
  ) => void
  relevancy: RelevancyFunction
  select: (values: number, count: number, cut: number, out: number, limit: number) => number
}

/** A query's float weights as the scan's int16 query (relative error ~1.5e-5), and the factor back. */
export function quantiseQuery(weights: Float32Array): { ints: Int16Array; fromInt: number } {
  let largest = 0
  for (const w of weights) largest = Math.max(largest, Math.abs(w))
  const toInt = largest > 0 ? 32767 / largest : 0
  return { ints: Int16Array.from(weights, (w) => Math.round(w * toInt)), fromInt: toInt > 0 ? 1 / toInt : 0 }
}

const pageBytes = 65536
/** Indices `atLeast` returns at most (its region of WebAssembly memory: 256 KB). */
export const maxSelected = 65536

/** relevancy.ts's table: 16 386 float32. */
const tableBytes = 4 * (2 * relevancyTableHalfWidth * relevancyTableStepsPerUnit + 2)
/** Bytes of one thread's histogram copies. */
const histogramBytes = 4 * relevancyBins * relevancyHistogramCopies

/** How the map's relevancy pass is shared out: helper threads, and voxels per chunk (a multiple of 4). */
export interface ScanThreads {
  helpers: number
  chunkVoxels?: number
}
/** Voxels per chunk of the relevancy pass: ~0.5 ms of scan, so a helper's last chunk keeps no one waiting long. */
const defaultChunkVoxels = 1 << 16

/**
 * Int8 codes copied once into WebAssembly memory; `dot` scans them all against one int16 query. Memory:
 * the query, one int32 out per code, one float32 per code (`values`, e.g. max negative cosines), with
 * `withFactors` two float32 per code and the relevancy table (the map's fused scan), then the codes.
 */
export class Int8DotScanner {
  private readonly exports: DotExports
  private readonly queryOffset = 0
  private readonly zeroOffset: number
  private readonly outOffset: number
  private readonly valuesOffset: number
  private readonly factorsOffset: number
  private readonly tableOffset: number
  private readonly histogramOffset: number
  private readonly controlOffset: number
  private readonly maxesOffset: number
  private readonly chunkVoxels: number
  private readonly bytesOffset: number
  private readonly selectedOffset: number
  private readonly codesOffset: number
  private tableTemperature: number | null = null
  /** The last `relevancy` pass's histogram: its copies added up. */
  private readonly histogram = new Uint32Array(relevancyBins)
  private helpers: Worker[] = []
  /** Resolves once every helper thread waits for passes (tests; a pass never waits for helpers). */
  helpersReady: Promise<void> = Promise.resolve()
  /** The last relevancy pass: its chunks, and how many this thread scanned (the rest: helpers). */
  lastPass = { chunks: 0, onThisThread: 0 }

  private constructor(
    makeExports: (needed: number) => DotExports,
    readonly count: number,
    readonly k: number,
    withFactors: boolean,
    private readonly threads: number,
    chunkVoxels: number,
  ) {
    // 16 bytes after the query stay zero: the value `groupMax` subtracts when it has no values.
    this.zeroOffset = 2 * k + ((16 - ((2 * k) % 16)) % 16)
    this.outOffset = this.zeroOffset + 16
    this.valuesOffset = this.outOffset + 4 * count
    this.factorsOffset = this.valuesOffset + 4 * count
    this.tableOffset = this.factorsOffset + (withFactors ? 8 * count : 0)
    this.histogramOffset = this.tableOffset + (withFactors ? tableBytes : 0)
    this.controlOffset = this.histogramOffset + (withFactors ? histogramBytes * threads : 0)
    this.chunkVoxels = Math.max(chunkVoxels, 4 * Math.ceil(count / maxChunks / 4))
    this.maxesOffset = this.controlOffset + (withFactors ? controlBytes : 0)
    this.bytesOffset = this.maxesOffset + (withFactors ? 16 * Math.ceil(count / this.chunkVoxels / 4) : 0)
    this.selectedOffset = this.bytesOffset + (withFactors ? Math.ceil((count + 4) / 16) * 16 : 0)
    this.codesOffset = this.selectedOffset + (withFactors ? 4 * maxSelected : 0)
    this.exports = makeExports(this.codesOffset + count * k)
  }

  /**
   * A scanner for `count` codes of `k` values, or null where WebAssembly SIMD is missing or k is not a
   * multiple of 8. With `threads.helpers` (and `withFactors`), that many helper threads share the
   * relevancy pass (its memory is then shared; without SharedArrayBuffer there are none).
   */
  static create(codes: Int8Array, k: number, withFactors = false, threads?: ScanThreads): Int8DotScanner | null {
    const scanner = Int8DotScanner.allocate(codes.length / k, k, withFactors, threads)
    scanner?.codes.set(codes)
    return scanner
  }

  /**
   * A scanner with room for `count` zeroed codes, filled in place through `codes` (a large index is read
   * from disk straight into WebAssembly memory instead of being held twice); null as for `create`.
   */
  static allocate(count: number, k: number, withFactors = false, threads?: ScanThreads): Int8DotScanner | null {
    const api = wasm
    if (!api || k % 8 !== 0 || !(count > 0)) return null
    const helpers = withFactors && typeof SharedArrayBuffer === 'function' ? (threads?.helpers ?? 0) : 0
    const module = (): object => new api.Module(scanModuleBytes(k, helpers > 0))
    try {
      let shared: { module: object; memory: WasmMemory } | null = null
      const scanner = new Int8DotScanner(
        (needed) => {
          if (helpers === 0) {
            const { exports } = new api.Instance(module()) as { exports: DotExports }
            const grow = Math.ceil((needed - exports.memory.buffer.byteLength) / pageBytes)
            if (grow > 0) exports.memory.grow(grow)
            return exports
          }
          const pages = Math.ceil(needed / pageBytes)
          shared = { module: module(), memory: new api.Memory({ initial: pages, maximum: pages, shared: true }) }
          return new api.Instance(shared.module, { env: { memory: shared.memory } }).exports as DotExports
        },
        count,
        k,
        withFactors,
        1 + helpers,
        threads?.chunkVoxels ?? defaultChunkVoxels,
      )
      const made = shared as { module: object; memory: WasmMemory } | null
      if (made) scanner.startHelpers(made.module, made.memory, helpers)
      return scanner
    } catch {
      return null
    }
  }

  /** Threads that wait in Atomics.wait for each pass; unref'd, so they never keep a process alive. */
  private startHelpers(module: object, memory: WasmMemory, helpers: number): void {
    const ready: Array<Promise<void>> = []
    for (let thread = 1; thread <= helpers; thread++) {
      const worker = startWorker(import.meta.url, 'scan-worker', {
        workerData: { module, memory, control: this.controlOffset, thread },
      })
      // A helper that fails to start claims no chunks: this thread scans them all.
      ready.push(
        new Promise((resolve) => {
          worker.once('message', () => resolve())
          worker.once('error', () => resolve())
        }),
      )
      worker.unref()
      this.helpers.push(worker)
    }
    this.helpersReady = Promise.all(ready).then(() => undefined)
  }

  /** Stops the helper threads (the scanner still works, on this thread alone). */
  dispose(): void {
    if (this.helpers.length === 0) return
    new RelevancyControl(this.exports.memory.buffer, this.controlOffset).stop()
    for (const worker of this.helpers) void worker.terminate()
    this.helpers = []
  }

  /** The codes in WebAssembly memory, count × k (a fresh view: memory never grows after construction). */
  get codes(): Int8Array {
    return new Int8Array(this.exports.memory.buffer, this.codesOffset, this.count * this.k)
  }

  /** One float32 per code in WebAssembly memory, for `groupMax` to subtract (a fresh view; pages are only resident once written). */
  get values(): Float32Array {
    return new Float32Array(this.exports.memory.buffer, this.valuesOffset, this.count)
  }

  /** Σ_j code[i][j] · query[j] for every voxel i; the view is valid until the next call. */
  dot(query: Int16Array): Int32Array {
    const { memory, dot } = this.exports
    new Int16Array(memory.buffer, this.queryOffset, this.k).set(query)
    dot(this.codesOffset, this.queryOffset, this.outOffset, this.count, this.k)
    return new Int32Array(memory.buffer, this.outOffset, this.count)
  }

  /**
   * For each group of `per` consecutive codes: max over the group of (dotᵢ · scale − valuesᵢ), or of
   * dotᵢ · scale without `subtractValues`, plus `offset` (float32 arithmetic). One pass, no per-code output;
   * the view is valid until the next call.
   */
  groupMax(query: Int16Array, per: number, scale: number, offset: number, subtractValues: boolean): Float32Array {
    const { memory, frameMax } = this.exports
    const groups = Math.floor(this.count / per)
    new Int16Array(memory.buffer, this.queryOffset, this.k).set(query)
    const [values, step] = subtractValues ? [this.valuesOffset, 4] : [this.zeroOffset, 0]
    frameMax(this.codesOffset, this.queryOffset, values, step, this.outOffset, groups, per, this.k, scale, offset)
    return new Float32Array(memory.buffer, this.outOffset, groups)
  }

  /** Two float32 per code for `relevancy`: `count` scale/norm, then `count` 1/norm; only with `withFactors`. */
  get factors(): Float32Array {
    return new Float32Array(this.exports.memory.buffer, this.factorsOffset, 2 * this.count)
  }

  /**
   * Per code the relevancy (relevancy.ts's rule, its σ table interpolated as relevancyInPlace does) of
   * cos = dot · fromInt · factor₀ + queryMean · factor₁ against `values` as max negative cosines, or
   * (cos + 1)/2 without negatives: one pass, which also counts the values in `relevancyBins` bins over
   * [0, 1], and writes each as a byte round(255 · r). The histogram's bins from `floor`'s up are exact;
   * below, bins may miss values (the pass skips counting where four voxels in a row are all below it).
   * Needs `withFactors`; the views are valid until the next call.
   */
  relevancy(
    query: Int16Array,
    fromInt: number,
    queryMean: number,
    temperature: number | null,
    floor = 0,
  ): { values: Float32Array; histogram: Uint32Array; bytes: Uint8Array; max: number } {
    const { memory, relevancy } = this.exports
    new Int16Array(memory.buffer, this.queryOffset, this.k).set(query)
    const copies = new Uint32Array(memory.buffer, this.histogramOffset, (histogramBytes / 4) * this.threads)
    copies.fill(0)
    if (temperature !== null && temperature !== this.tableTemperature) {
      new Float32Array(memory.buffer, this.tableOffset, tableBytes / 4).set(relevancyTable(temperature))
      this.tableTemperature = temperature
    }
    const control = new RelevancyControl(memory.buffer, this.controlOffset)
    control.start({
      codes: this.codesOffset,
      query: this.queryOffset,
      factors: this.factorsOffset,
      factorsB: this.factorsOffset + 4 * this.count,
      neg: this.valuesOffset,
      out: this.outOffset,
      table: this.tableOffset,
      count: this.count,
      k: this.k,
      fromInt,
      queryMean,
      hasNeg: temperature === null ? 0 : 1,
      histogram: this.histogramOffset,
      histogramStride: histogramBytes,
      bytes: this.bytesOffset,
      floorBin: floor > 0 ? Math.floor(floor * (relevancyBins - 1)) : -Infinity,
      maxes: this.maxesOffset,
      chunkSize: this.chunkVoxels,
    })
    this.lastPass = { chunks: Math.ceil(this.count / this.chunkVoxels), onThisThread: control.runChunks(relevancy, 0) }
    control.waitForChunks()
    // Each thread counts in its copies, one per SIMD lane, interleaved (bin b of copy c at b · copies + c).
    const histogram = this.histogram
    for (let b = 0; b < relevancyBins; b++) {
      let sum = 0
      for (let at = b * relevancyHistogramCopies; at < copies.length; at += relevancyBins * relevancyHistogramCopies)
        for (let copy = 0; copy < relevancyHistogramCopies; copy++) sum += copies[at + copy]!
      histogram[b] = sum
    }
    let max = 0
    for (const chunkMax of new Float32Array(memory.buffer, this.maxesOffset, Math.ceil(this.count / this.chunkVoxels)))
      if (chunkMax > max) max = chunkMax
    return {
      values: new Float32Array(memory.buffer, this.outOffset, this.count),
      histogram,
      bytes: new Uint8Array(memory.buffer, this.bytesOffset, this.count),
      max,
    }
  }

  /**
   * The indices of the last `relevancy` pass's values ≥ `cut`, in order, or null when more than
   * `maxSelected` pass. Needs `withFactors`; the view is valid until the next call.
   */
  atLeast(cut: number): Int32Array | null {
    const { memory, select } = this.exports
    const whole = this.count - (this.count % 4)
    let n = select(this.outOffset, this.count, cut, this.selectedOffset, maxSelected)
    const selected = new Int32Array(memory.buffer, this.selectedOffset, maxSelected)
    const values = new Float32Array(memory.buffer, this.outOffset, this.count)
    // The last count % 4 values, which the four-at-a-time pass leaves.
    for (let i = whole; i < this.count && n < maxSelected; i++) if (values[i]! >= cut) selected[n++] = i
    return n < maxSelected ? selected.subarray(0, n) : null
  }
}
