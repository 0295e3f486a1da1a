import { describe, expect, it } from 'vitest'
import { Int8DotScanner } from '../../../../src-main/services/mapping/int8-dot-scanner'
import {
  codeCosines,
  encodeEmbeddings,
  reconstructionNorms,
} from '../../../../src-main/services/mapping/embedding-codec'
import { fitPcaBasis } from '../../../../src-main/services/mapping/pca-basis'
import { seededRandom } from '../../../../src-main/services/seeded-random'

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
})
