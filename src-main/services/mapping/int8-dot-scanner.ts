/**
 * The hot loops of the map and recording queries — a dot product of every int8 code with the query,
 * and a recording's per-frame best cell — in a tiny WebAssembly SIMD module (int8-scan-module.ts),
 * several times faster than scalar JS. The query is quantised to int16 (relative error ~1.5e-5).
 */
import { relevancyTable, relevancyTableHalfWidth, relevancyTableStepsPerUnit } from '../query/relevancy'
import { scanModuleBytes } from './int8-scan-module'
import { relevancyBins, relevancyHistogramCopies } from './relevancy-steps'

interface DotExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
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
  relevancy: (
    codes: number,
    query: number,
    factors: number,
    neg: number,
    out: number,
    table: number,
    count: number,
    k: number,
    fromInt: number,
    queryMean: number,
    hasNeg: number,
    histogram: number,
    bytes: number,
    floorBin: number,
  ) => void
  select: (values: number, count: number, cut: number, out: number, limit: number) => number
}

/** The part of the WebAssembly JS API used here (the Node typings in use do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

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
  private readonly bytesOffset: number
  private readonly selectedOffset: number
  private readonly codesOffset: number
  private tableTemperature: number | null = null
  /** The last `relevancy` pass's histogram: its copies added up. */
  private readonly histogram = new Uint32Array(relevancyBins)

  private constructor(
    exports: DotExports,
    readonly count: number,
    readonly k: number,
    withFactors: boolean,
  ) {
    this.exports = exports
    // 16 bytes after the query stay zero: the value `groupMax` subtracts when it has no values.
    this.zeroOffset = 2 * k + ((16 - ((2 * k) % 16)) % 16)
    this.outOffset = this.zeroOffset + 16
    this.valuesOffset = this.outOffset + 4 * count
    this.factorsOffset = this.valuesOffset + 4 * count
    this.tableOffset = this.factorsOffset + (withFactors ? 8 * count : 0)
    this.histogramOffset = this.tableOffset + (withFactors ? tableBytes : 0)
    this.bytesOffset = this.histogramOffset + (withFactors ? 4 * relevancyBins * relevancyHistogramCopies : 0)
    this.selectedOffset = this.bytesOffset + (withFactors ? Math.ceil((count + 4) / 16) * 16 : 0)
    this.codesOffset = this.selectedOffset + (withFactors ? 4 * maxSelected : 0)
    const needed = this.codesOffset + count * k
    const memory = this.exports.memory
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / pageBytes))
  }

  /** A scanner for `count` codes of `k` values, or null where WebAssembly SIMD is missing or k is not a multiple of 8. */
  static create(codes: Int8Array, k: number, withFactors = false): Int8DotScanner | null {
    const scanner = Int8DotScanner.allocate(codes.length / k, k, withFactors)
    scanner?.codes.set(codes)
    return scanner
  }

  /**
   * A scanner with room for `count` zeroed codes, filled in place through `codes` (a large index is read
   * from disk straight into WebAssembly memory instead of being held twice); null as for `create`.
   */
  static allocate(count: number, k: number, withFactors = false): Int8DotScanner | null {
    if (!wasm || k % 8 !== 0 || !(count > 0)) return null
    try {
      const instance = new wasm.Instance(new wasm.Module(scanModuleBytes(k)))
      return new Int8DotScanner(instance.exports as DotExports, count, k, withFactors)
    } catch {
      return null
    }
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
    const copies = new Uint32Array(memory.buffer, this.histogramOffset, relevancyBins * relevancyHistogramCopies)
    copies.fill(0)
    if (temperature !== null && temperature !== this.tableTemperature) {
      new Float32Array(memory.buffer, this.tableOffset, tableBytes / 4).set(relevancyTable(temperature))
      this.tableTemperature = temperature
    }
    relevancy(
      this.codesOffset,
      this.queryOffset,
      this.factorsOffset,
      this.valuesOffset,
      this.outOffset,
      this.tableOffset,
      this.count,
      this.k,
      fromInt,
      queryMean,
      temperature === null ? 0 : 1,
      this.histogramOffset,
      this.bytesOffset,
      floor > 0 ? Math.floor(floor * (relevancyBins - 1)) : -Infinity,
    )
    // The pass counts in one histogram copy per SIMD lane, interleaved (bin b of copy c at b · copies + c).
    const histogram = this.histogram
    for (let b = 0, at = 0; b < relevancyBins; b++) {
      let sum = 0
      for (let copy = 0; copy < relevancyHistogramCopies; copy++) sum += copies[at++]!
      histogram[b] = sum
    }
    return {
      values: new Float32Array(memory.buffer, this.outOffset, this.count),
      histogram,
      bytes: new Uint8Array(memory.buffer, this.bytesOffset, this.count),
      max: new DataView(memory.buffer).getFloat32(this.bytesOffset + this.count, true),
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
