/**
 * The map's relevancy pass in chunks that threads claim from a control block in the scan's (shared)
 * WebAssembly memory: the scanner's thread and its helpers (scan-worker.ts) each take the next unclaimed
 * chunk until none is left, so a helper the OS has not scheduled yet costs nothing but its share.
 * A claim is one compare-and-swap on a word holding the pass's generation and the next chunk, so a helper
 * that wakes late, after its pass ended, claims nothing. Each chunk's largest value is kept apart and
 * each thread counts in a histogram of its own; the caller combines them.
 */

/** The relevancy function of the scan module (int8-scan-module.ts). */
export type RelevancyFunction = (
  codes: number,
  query: number,
  factors: number,
  factorsB: number,
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
) => number

/** One pass: byte offsets of the scan's regions (the per-voxel ones at voxel 0) and the query's values. */
export interface RelevancyPass {
  codes: number
  query: number
  factors: number
  factorsB: number
  neg: number
  out: number
  table: number
  count: number
  k: number
  fromInt: number
  queryMean: number
  hasNeg: number
  /** Thread t's histogram copies start at histogram + t · histogramStride. */
  histogram: number
  histogramStride: number
  bytes: number
  floorBin: number
  /** One f32 per chunk: its largest value. */
  maxes: number
  chunkSize: number
}

/** The control block's words (i32, or f32 where noted). */
const word = {
  generation: 0,
  claim: 1,
  finished: 2,
  chunks: 3,
  fields: 4,
} as const
const fields: Array<keyof RelevancyPass> = [
  'codes',
  'query',
  'factors',
  'factorsB',
  'neg',
  'out',
  'table',
  'count',
  'k',
  'fromInt',
  'queryMean',
  'hasNeg',
  'histogram',
  'histogramStride',
  'bytes',
  'floorBin',
  'maxes',
  'chunkSize',
]
const floatFields = new Set<keyof RelevancyPass>(['fromInt', 'queryMean', 'floorBin'])
/** Bytes of the control block. */
export const controlBytes = 4 * (word.fields + fields.length)
/** Generation (15 bits) and next chunk (16 bits) share the claim word. */
export const maxChunks = 0xffff
/** The generation a helper waits on that tells it to stop. */
const stopGeneration = -1

/** A view of the control block at `offset` of `buffer`. */
export class RelevancyControl {
  private readonly ints: Int32Array
  private readonly floats: Float32Array

  constructor(
    private readonly buffer: ArrayBufferLike,
    offset: number,
  ) {
    this.ints = new Int32Array(buffer, offset, controlBytes / 4)
    this.floats = new Float32Array(buffer, offset, controlBytes / 4)
  }

  /** Publishes `pass` as a new generation and wakes the helpers (the scanner's thread). */
  start(pass: RelevancyPass): void {
    fields.forEach((field, i) => {
      if (floatFields.has(field)) this.floats[word.fields + i] = pass[field]
      else this.ints[word.fields + i] = pass[field]
    })
    const generation = (Atomics.load(this.ints, word.generation) + 1) & 0x7fff
    this.ints[word.chunks] = Math.ceil(pass.count / pass.chunkSize)
    Atomics.store(this.ints, word.finished, 0)
    Atomics.store(this.ints, word.claim, generation << 16)
    Atomics.store(this.ints, word.generation, generation)
    Atomics.notify(this.ints, word.generation)
  }

  /** Waits until every chunk of the pass is finished (the scanner's thread, after running its own). */
  waitForChunks(): void {
    const chunks = this.ints[word.chunks]!
    for (;;) {
      const finished = Atomics.load(this.ints, word.finished)
      if (finished >= chunks) return
      Atomics.wait(this.ints, word.finished, finished, 50)
    }
  }

  /** Claims and runs chunks of the current pass until none is left; `thread` picks the histogram. Returns how many it ran. */
  runChunks(relevancy: RelevancyFunction, thread: number): number {
    const generation = Atomics.load(this.ints, word.generation)
    const chunks = this.ints[word.chunks]!
    for (let ran = 0; ; ran++) {
      let claim = Atomics.load(this.ints, word.claim)
      for (;;) {
        if (claim >>> 16 !== generation || (claim & 0xffff) >= chunks) return ran
        const seen = Atomics.compareExchange(this.ints, word.claim, claim, claim + 1)
        if (seen === claim) break
        claim = seen
      }
      const p = this.pass()
      const chunk = claim & 0xffff
      const first = chunk * p.chunkSize
      const n = Math.min(p.chunkSize, p.count - first)
      const max = relevancy(
        p.codes + first * p.k,
        p.query,
        p.factors + 4 * first,
        p.factorsB + 4 * first,
        p.neg + 4 * first,
        p.out + 4 * first,
        p.table,
        n,
        p.k,
        p.fromInt,
        p.queryMean,
        p.hasNeg,
        p.histogram + thread * p.histogramStride,
        p.bytes + first,
        p.floorBin,
      )
      new Float32Array(this.buffer, p.maxes, chunks)[chunk] = max
      Atomics.add(this.ints, word.finished, 1)
      Atomics.notify(this.ints, word.finished)
    }
  }

  /** A helper's loop: waits for each new pass and takes part in it, until `stop`. */
  serve(relevancy: RelevancyFunction, thread: number): void {
    let seen = Atomics.load(this.ints, word.generation)
    for (;;) {
      Atomics.wait(this.ints, word.generation, seen)
      seen = Atomics.load(this.ints, word.generation)
      if (seen === stopGeneration) return
      this.runChunks(relevancy, thread)
    }
  }

  /** Ends the helpers' loops. */
  stop(): void {
    Atomics.store(this.ints, word.generation, stopGeneration)
    Atomics.notify(this.ints, word.generation)
  }

  private pass(): RelevancyPass {
    const pass = {} as Record<keyof RelevancyPass, number>
    fields.forEach((field, i) => {
      pass[field] = floatFields.has(field) ? this.floats[word.fields + i]! : this.ints[word.fields + i]!
    })
    return pass
  }
}
