import { describe, expect, it } from 'vitest'
import { CellCodes, fitCellCodes } from '../../../../src-main/services/query/cell-codes'
import { int8Scale } from '../../../../src-main/services/query/embedding-pooling'
import { SessionQueryIndex, defaultGrid, emptyIndexData } from '../../../../src-main/services/query/session-index'
import { seededRandom } from '../../../../src-main/services/seeded-random'

const dim = 64
const per = defaultGrid.rows * defaultGrid.cols
const frames = 30
const random = seededRandom(21)

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}
const randomUnit = (): Float32Array => unit(Float32Array.from({ length: dim }, () => random() - 0.5))
const concepts = Array.from({ length: 8 }, randomUnit)
const cells = frames_(frames)

function frames_(count: number): Int8Array[] {
  return Array.from({ length: count }, () => {
    // A frame shows two of the concepts, so frames differ in their best cell.
    const shown = [concepts[Math.floor(random() * 8)]!, concepts[Math.floor(random() * 8)]!]
    const out = new Int8Array(per * dim)
    for (let c = 0; c < per; c++) {
      const [a, b, w] = [shown[0]!, shown[Math.floor(random() * 2)]!, random()]
      const v = unit(Float32Array.from({ length: dim }, (_, d) => w * a[d]! + (1 - w) * b[d]! + 0.2 * (random() - 0.5)))
      for (let d = 0; d < dim; d++) out[c * dim + d] = Math.round(v[d]! * int8Scale)
    }
    return out
  })
}

/** An index over the cells: exact int8 cells, or PCA codes of k values (k = 24: SIMD; k = 20: the scalar loop). */
function index(components: number | null): SessionQueryIndex {
  const data = emptyIndexData('s', 'm', dim, frames)
  if (components !== null) {
    const sample = new Int8Array(cells.flatMap((f) => [...f]))
    data.cells = new Int8Array(0)
    data.codes = new CellCodes(fitCellCodes(frames * per, dim, sample, components))
  }
  const built = new SessionQueryIndex(data)
  cells.forEach((frame, f) => built.setFrame(f, f / 10, frame))
  return built
}

/** The reference: the scoring module's per-cell relevancy (relevancy.ts via cellRelevancy), then each frame's best. */
function perCellThenMax(
  idx: SessionQueryIndex,
  query: Float32Array,
  negatives: Float32Array[],
  key: string,
  temperature: number,
): number[] {
  const { relevancy } = idx.cellRelevancy(query, negatives, key, temperature)
  return Array.from({ length: frames }, (_, f) => Math.max(...relevancy.subarray(f * per, (f + 1) * per)))
}

describe('per-frame relevancy in one pass (the fused scan)', () => {
  for (const [label, components] of [
    ['exact cells', null],
    ['codes, SIMD scan', 24],
    ['codes, scalar loop', 20],
  ] as const) {
    it(`equals the per-cell relevancy's per-frame maximum (${label})`, () => {
      const idx = index(components)
      const negatives = [randomUnit(), concepts[5]!, randomUnit()]
      for (const [query, negs, key, temperature] of [
        [concepts[0]!, negatives, 'three', 10],
        [unit(concepts[1]!.map((x, d) => x + concepts[2]![d]!)), negatives, 'three', 25],
        [concepts[3]!, [], '', 10],
        [concepts[4]!, negatives.slice(0, 1), 'one', 10],
      ] as const) {
        const fused = idx.frameRelevancy(query, [...negs], key, temperature)
        const reference = perCellThenMax(idx, query, [...negs], key, temperature)
        expect(fused).toHaveLength(frames)
        // The table σ the per-cell path uses is within 1e-5 of σ; the scan sums in float32.
        for (let f = 0; f < frames; f++) expect(Math.abs(fused[f]! - reference[f]!)).toBeLessThan(3e-5)
        // Not a constant: the frames differ.
        expect(Math.max(...fused) - Math.min(...fused)).toBeGreaterThan(0.01)
      }
    })
  }

  it('forgets the negatives when a frame changes', () => {
    const idx = index(24)
    const negatives = [concepts[6]!]
    const before = idx.frameRelevancy(concepts[0]!, negatives, 'n', 10)
    idx.setFrame(3, 0.3, cells[7]!)
    const after = idx.frameRelevancy(concepts[0]!, negatives, 'n', 10)
    expect(after[3]).toBeCloseTo(before[7]!, 4)
    const reference = perCellThenMax(idx, concepts[0]!, negatives, 'n', 10)
    for (let f = 0; f < frames; f++) expect(Math.abs(after[f]! - reference[f]!)).toBeLessThan(3e-5)
  })
})
