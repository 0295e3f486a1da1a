/**
 * What compressing the voxel embeddings costs: the ranking of voxels by cosine to a query, compressed
 * (PCA + int8) against exact, on embeddings shaped like a room's (a few dozen concepts, mixed, plus
 * noise). The same measure with too few components must fail, so the test can tell.
 */
import { describe, expect, it } from 'vitest'
import {
  codeCosines,
  encodeEmbeddings,
  project,
  projectInto,
  reconstructionNorms,
} from '../../../../src-main/services/mapping/embedding-codec'
import { fitPcaBasis } from '../../../../src-main/services/mapping/pca-basis'
import { rankAgreement } from '../../../../src-main/services/mapping/rank-agreement'

function random(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x / 0x7fffffff
  }
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next())
}

/** `count` unit vectors: each a mix of two of `concepts` random directions plus noise. */
function roomEmbeddings(
  count: number,
  dim: number,
  concepts: number,
  noise: number,
  seed: number,
): { rows: Float32Array[]; conceptVectors: Float32Array[] } {
  const next = random(seed)
  const unit = (v: Float32Array): Float32Array => {
    const n = Math.hypot(...v)
    return v.map((x) => x / n)
  }
  const conceptVectors = Array.from({ length: concepts }, () =>
    unit(Float32Array.from({ length: dim }, () => gaussian(next))),
  )
  const rows = Array.from({ length: count }, () => {
    const a = conceptVectors[Math.floor(next() * concepts)]!
    const b = conceptVectors[Math.floor(next() * concepts)]!
    const w = 0.6 + 0.4 * next()
    return unit(Float32Array.from({ length: dim }, (_, d) => w * a[d]! + (1 - w) * b[d]! + noise * gaussian(next)))
  })
  return { rows, conceptVectors }
}

function measure(
  rows: Float32Array[],
  queries: Float32Array[],
  components: number,
): { spearman: number; topOverlap: number } {
  const dim = rows[0]!.length
  const row = (i: number, out: Float32Array): void => out.set(rows[i]!)
  const codes = encodeEmbeddings(rows.length, fitPcaBasis(rows.length, dim, components, row), row)
  const norms = reconstructionNorms(codes)
  const results = queries.map((q) => {
    const exact = Float32Array.from(rows, (r) => r.reduce((s, v, d) => s + v * q[d]!, 0))
    return rankAgreement(exact, codeCosines(codes, norms, q), 100)
  })
  return {
    spearman: Math.min(...results.map((r) => r.spearman)),
    topOverlap: Math.min(...results.map((r) => r.topOverlap)),
  }
}

describe('compressed voxel embeddings', () => {
  const { rows, conceptVectors } = roomEmbeddings(4000, 256, 30, 0.02, 7)
  const queries = conceptVectors.slice(0, 5)

  it('keep the relevancy ranking (Spearman and top-100 overlap ≥ 0.95) with 64 int8 components', () => {
    const { spearman, topOverlap } = measure(rows, queries, 64)
    expect(spearman).toBeGreaterThanOrEqual(0.95)
    expect(topOverlap).toBeGreaterThanOrEqual(0.95)
  })

  it('lose it with too few components (the measure can fail)', () => {
    expect(measure(rows, queries, 3).spearman).toBeLessThan(0.9)
  })
})

describe('projecting onto the basis', () => {
  it('gives each component the dot product of its row, in order, whatever the component count and offset', () => {
    const next = random(7)
    for (const components of [1, 4, 6, 9]) {
      const dim = 5
      const basis = Float32Array.from({ length: components * dim }, () => next() - 0.5)
      const pca = { dim, components, mean: new Float32Array(dim), basis }
      const source = Float32Array.from({ length: 3 * dim }, () => next() - 0.5)
      const out = new Float64Array(components).fill(Number.NaN)
      projectInto(pca, source, dim, out)
      const expected = Array.from({ length: components }, (_, j) => {
        let sum = 0
        for (let d = 0; d < dim; d++) sum += basis[j * dim + d]! * source[dim + d]!
        return sum
      })
      // The same additions in the same order: equal to the last bit.
      expect([...out], `${components} components`).toEqual(expected)
      expect([...project(pca, source.slice(dim, 2 * dim))]).toEqual(expected.map(Math.fround))
    }
  })
})
