import { describe, expect, it } from 'vitest'
import { Int8DotScanner, maxSelected } from '../../../../src-main/services/mapping/int8-dot-scanner'
import {
  codeCosines,
  encodeEmbeddings,
  reconstructionNorms,
} from '../../../../src-main/services/mapping/embedding-codec'
import { fitPcaBasis } from '../../../../src-main/services/mapping/pca-basis'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { LoadedMap } from '../../../../src-main/services/mapping/loaded-map'
import type { FusedMap } from '../../../../src-main/services/mapping/fused-map'
import { relevancyInPlace } from '../../../../src-main/services/query/relevancy'
import { relevancyBytes } from '../../../../src-main/services/mapping/map-arrays'

describe('the WebAssembly SIMD int8 dot product', () => {
  it('gives the exact integer dot products of every code, for 64 and 24 values per code', () => {
    const random = seededRandom(3)
    for (const k of [64, 24]) {
      const count = 1001
      const codes = Int8Array.from({ length: count * k }, () => Math.round(random() * 254 - 127))
      codes.fill(-127, 0, k)
      const query = Int16Array.from({ length: k }, () => Math.round(random() * 65534 - 32767))
      query[0] = 32767
      const scanner = Int8DotScanner.create(codes, k)
      expect(scanner).not.toBeNull()
      const dots = scanner!.dot(query)
      expect(dots.length).toBe(count)
      for (let i = 0; i < count; i++) {
        let expected = 0
        for (let j = 0; j < k; j++) expected += codes[i * k + j]! * query[j]!
        expect(dots[i]).toBe(expected)
      }
    }
  })

  it('selects the indices of the relevancy values at or above a cut, as a plain loop does', () => {
    const random = seededRandom(21)
    const k = 8
    const count = maxSelected + 3 // not a multiple of 4: the last values are the JS tail's
    const codes = Int8Array.from({ length: count * k }, () => Math.round(random() * 254 - 127))
    const scanner = Int8DotScanner.create(codes, k, true)!
    scanner.factors.fill(1 / (127 * Math.sqrt(k)))
    const query = Int16Array.from({ length: k }, () => Math.round(random() * 65534 - 32767))
    const { values } = scanner.relevancy(query, 1 / 32767, 0, null)
    for (const cut of [0.9, 0.7, 0.55]) {
      const want: number[] = []
      for (let i = 0; i < count; i++) if (values[i]! >= cut) want.push(i)
      expect(want.length).toBeGreaterThan(0)
      expect([...scanner.atLeast(cut)!]).toEqual(want)
    }
    // More than maxSelected pass: null, and the caller loops itself.
    expect(scanner.atLeast(-1)).toBeNull()
  })

  it('is not made for codes whose length is not a multiple of 8', () => {
    expect(Int8DotScanner.create(new Int8Array(30), 10)).toBeNull()
  })

  it('gives the map the same cosines as the scalar loop (within 1e-4)', () => {
    const random = seededRandom(9)
    const dim = 96
    const rows = Array.from({ length: 3000 }, () => {
      const v = Float32Array.from({ length: dim }, () => random() - 0.5)
      const norm = Math.hypot(...v)
      return v.map((x) => x / norm)
    })
    const row = (i: number, out: Float32Array): void => out.set(rows[i]!)
    const codes = encodeEmbeddings(rows.length, fitPcaBasis(rows.length, dim, 32, row), row)
    const norms = reconstructionNorms(codes)
    const query = rows[7]!
    const scalar = codeCosines(codes, norms, query)
    const simd = codeCosines(codes, norms, query, undefined, Int8DotScanner.create(codes.codes, 32))
    let worst = 0
    for (let i = 0; i < scalar.length; i++) worst = Math.max(worst, Math.abs(scalar[i]! - simd[i]!))
    expect(worst).toBeLessThan(1e-4)
    expect(simd[7]).toBeGreaterThan(0.5)
  })

  it("gives the map's relevancy in one pass with relevancy.ts's numbers (within 2e-6), with and without negatives", () => {
    const random = seededRandom(12)
    const dim = 48
    const unit = (): Float32Array => {
      const v = Float32Array.from({ length: dim }, () => random() - 0.5)
      const norm = Math.hypot(...v)
      return v.map((x) => x / norm)
    }
    const rows = Array.from({ length: 2500 }, unit)
    const row = (i: number, out: Float32Array): void => out.set(rows[i]!)
    const codes = encodeEmbeddings(rows.length, fitPcaBasis(rows.length, dim, 24, row), row)
    const loaded = new LoadedMap({
      count: rows.length,
      codes,
      positions: new Float32Array(rows.length * 3),
    } as FusedMap)
    const norms = reconstructionNorms(codes)
    // The reference scans the same int16 query (the product's cosines), then applies relevancy.ts per value.
    const scanner = Int8DotScanner.create(codes.codes, 24)
    const negatives = [unit(), unit(), rows[3]!]
    for (const [query, negs, temperature] of [
      [rows[5]!, negatives, 10],
      [unit(), negatives.slice(0, 1), 40],
      [rows[9]!, [], 10],
    ] as const) {
      const cosines = codeCosines(codes, norms, query, undefined, scanner).slice()
      const want = negs.length
        ? relevancyInPlace(
            cosines,
            negs.reduce(
              (max, n) => codeCosines(codes, norms, n, undefined, scanner).map((c, i) => Math.max(c, max[i]!)),
              new Float32Array(rows.length).fill(-Infinity),
            ),
            temperature,
          )
        : cosines.map((c) => (c + 1) / 2)
      const { values: got, cutOf, bytes } = loaded.relevancy(query, [...negs], `n${negs.length}`, temperature)
      // The bytes the view fetches, written by the same pass, as the JS conversion makes them from the values.
      const scanned = bytes()
      const converted = relevancyBytes(got)
      expect(scanned.max).toBe(converted.max)
      expect([...scanned.bytes]).toEqual([...converted.bytes])
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!))
      expect(worst).toBeLessThan(2e-6)
      expect(Math.max(...got) - Math.min(...got)).toBeGreaterThan(0.1)
      // The pins' cut from the pass's histogram: at least 500 values reach it, fewer reach the next bin.
      const cut = cutOf(500)
      const bin = 1 / 4095
      expect(got.filter((v) => v >= cut - bin / 2).length).toBeGreaterThanOrEqual(500)
      expect(got.filter((v) => v >= cut + 1.5 * bin).length).toBeLessThan(500)
    }
  })
})
