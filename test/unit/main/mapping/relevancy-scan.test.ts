/**
 * The map's relevancy pass (relevancy-body.ts, four voxels per step) against a plain reference: the
 * same f32 arithmetic written out with Math.fround, one voxel at a time, on random data with the awkward
 * values a map can hold (zero norms give infinite factors and NaN cosines; cosines past ±1).
 */
import { describe, expect, it } from 'vitest'
import { Int8DotScanner } from '../../../../src-main/services/mapping/int8-dot-scanner'
import { relevancyBins } from '../../../../src-main/services/mapping/relevancy-steps'
import { histogramCut } from '../../../../src-main/services/mapping/voxel-clusters'
import { relevancyTable } from '../../../../src-main/services/query/relevancy'
import { seededRandom } from '../../../../src-main/services/seeded-random'

const f = Math.fround

interface Inputs {
  codes: Int8Array
  k: number
  query: Int16Array
  /** Per voxel: scale/norm, 1/norm, max negative cosine. */
  factor0: Float32Array
  factor1: Float32Array
  negatives: Float32Array
  fromInt: number
  queryMean: number
  temperature: number | null
}

/** The pass's outputs for `inputs`, one voxel at a time in plain JS. */
function reference(inputs: Inputs): { values: Float32Array; bytes: Uint8Array; histogram: Uint32Array; max: number } {
  const { codes, k, query, factor0, factor1, negatives, temperature } = inputs
  const count = factor0.length
  const [fromInt, queryMean] = [f(inputs.fromInt), f(inputs.queryMean)]
  const table = temperature === null ? null : relevancyTable(temperature)
  const last = table ? table.length - 2 : 0
  const values = new Float32Array(count)
  const bytes = new Uint8Array(count)
  const histogram = new Uint32Array(relevancyBins)
  let max = 0
  const truncated = (v: number): number => (Number.isNaN(v) || v <= 0 ? 0 : Math.trunc(v))
  for (let i = 0; i < count; i++) {
    let dot = 0
    for (let j = 0; j < k; j++) dot += codes[i * k + j]! * query[j]!
    const cosine = f(f(f(f(dot) * fromInt) * factor0[i]!) + f(queryMean * factor1[i]!))
    let r: number
    if (table) {
      const t = f(f(f(cosine - negatives[i]!) + 2) * 4096)
      const y = Number.isNaN(t) ? t : Math.min(Math.max(t, 0), last)
      const entry = truncated(y)
      const a = table[entry]!
      r = f(a + f(f(table[entry + 1]! - a) * f(y - entry)))
    } else r = f(f(cosine * 0.5) + 0.5)
    values[i] = r
    const byte = f(f(r * 255) + 0.5)
    bytes[i] = truncated(Number.isNaN(byte) ? byte : Math.min(byte, 255))
    const bin = f(r * (relevancyBins - 1))
    histogram[truncated(Number.isNaN(bin) ? bin : Math.min(bin, relevancyBins - 1))]!++
    if (r > max) max = r
  }
  return { values, bytes, histogram, max }
}

function randomInputs(seed: number, count: number, k: number, temperature: number | null): Inputs {
  const random = seededRandom(seed)
  const codes = Int8Array.from({ length: count * k }, () => Math.round(random() * 254 - 127))
  const query = Int16Array.from({ length: k }, () => Math.round(random() * 65534 - 32767))
  const fromInt = 1 / 32767
  // cos ≈ dot · fromInt · factor₀: codes of norm ~73 · √k against a query of norm ~18 900 · √k.
  const typical = 1 / (73 * 18_900 * k * fromInt)
  const factor0 = Float32Array.from({ length: count }, () => typical * (0.5 + random()))
  const factor1 = Float32Array.from({ length: count }, () => 0.5 + random())
  const negatives = Float32Array.from({ length: count }, () => 2.4 * random() - 1.2)
  // A zero-norm voxel (infinite factors), a NaN negative, a code that lands on 0, cosines past ±1.
  for (let i = 0; i < count; i += 97) {
    factor0[i] = Infinity
    factor1[i] = Infinity
  }
  for (let i = 5; i < count; i += 89) negatives[i] = Number.NaN
  for (let i = 7; i < count; i += 23) factor0[i] = 40 * typical
  return { codes, k, query, factor0, factor1, negatives, fromInt, queryMean: 0.013, temperature }
}

function scan(inputs: Inputs, floor = 0): ReturnType<Int8DotScanner['relevancy']> {
  const count = inputs.factor0.length
  const scanner = Int8DotScanner.create(inputs.codes, inputs.k, true)!
  scanner.factors.set(inputs.factor0)
  scanner.factors.set(inputs.factor1, count)
  scanner.values.set(inputs.negatives)
  return scanner.relevancy(inputs.query, inputs.fromInt, inputs.queryMean, inputs.temperature, floor)
}

describe("the map's one-pass relevancy scan", () => {
  // 64: the map's codes (four voxels per step); 24: also unrolled; 136: past the unrolled length, one at a time.
  for (const k of [64, 24, 136])
    for (const temperature of [10, 40, null])
      it(`gives the plain reference's bits, bytes, histogram and max (${k} codes, temperature ${temperature})`, () => {
        for (const count of [1003, 4, 3]) {
          const inputs = randomInputs(k + count + (temperature ?? 0), count, k, temperature)
          const want = reference(inputs)
          const got = scan(inputs)
          expect([...got.values]).toEqual([...want.values])
          expect([...got.bytes]).toEqual([...want.bytes])
          expect([...got.histogram]).toEqual([...want.histogram])
          expect(got.max).toBe(want.max)
        }
        // The data reach every branch: NaN, both clamps of the table, and values spread over [0, 1].
        const { values } = reference(randomInputs(1, 1003, k, temperature))
        expect(values.some(Number.isNaN)).toBe(true)
        expect(values.filter((v) => v > 0.9).length).toBeGreaterThan(10)
        expect(values.filter((v) => v < 0.1).length).toBeGreaterThan(10)
      })

  it('counts every bin from the floor up exactly, so the pins get the same cut', () => {
    const inputs = randomInputs(31, 20_001, 64, 10)
    const full = reference(inputs).histogram
    for (const floor of [0.5, 0.7, 0.9]) {
      const got = scan(inputs, floor).histogram
      const floorBin = Math.floor(floor * (relevancyBins - 1))
      expect([...got.subarray(floorBin)]).toEqual([...full.subarray(floorBin)])
      // Groups of four below the floor are skipped: the lower bins miss values.
      expect(got.reduce((a, b) => a + b, 0)).toBeLessThan(20_001)
      for (const keep of [10, 500, 5000, 19_000]) {
        const cut = (histogram: Uint32Array): number =>
          Math.max(floor, histogramCut(histogram, keep, 0, relevancyBins - 1))
        expect(cut(got)).toBe(cut(full))
      }
    }
  })
})

describe('the relevancy pass shared with a helper thread', () => {
  it('gives the same bits, histogram and max as the plain reference when chunks go to both threads', async () => {
    const count = 60_003
    const inputs = randomInputs(77, count, 64, 10)
    const want = reference(inputs)
    const scanner = Int8DotScanner.create(inputs.codes, 64, true, { helpers: 1, chunkVoxels: 64 })!
    try {
      await scanner.helpersReady
      scanner.factors.set(inputs.factor0)
      scanner.factors.set(inputs.factor1, count)
      scanner.values.set(inputs.negatives)
      let helped = 0
      for (let pass = 0; pass < 20; pass++) {
        const got = scanner.relevancy(inputs.query, inputs.fromInt, inputs.queryMean, 10)
        expect(got.max).toBe(want.max)
        expect([...got.histogram]).toEqual([...want.histogram])
        expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes))).toBe(true)
        expect([...got.values]).toEqual([...want.values])
        expect(scanner.lastPass.chunks).toBe(Math.ceil(count / 64))
        helped += scanner.lastPass.chunks - scanner.lastPass.onThisThread
      }
      // The helper took part (it claims chunks as soon as it wakes; over 20 passes it cannot miss them all).
      expect(helped).toBeGreaterThan(0)
    } finally {
      scanner.dispose()
    }
  })
})
