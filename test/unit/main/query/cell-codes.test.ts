import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CellCodes, defaultCellComponents, fitCellCodes } from '../../../../src-main/services/query/cell-codes'
import { int8Scale } from '../../../../src-main/services/query/embedding-pooling'
import { SessionQueryIndex, defaultGrid, emptyIndexData } from '../../../../src-main/services/query/session-index'
import { SessionIndexStore } from '../../../../src-main/services/query/session-index-store'
import { rankAgreement } from '../../../../src-main/services/mapping/rank-agreement'
import { seededRandom } from '../../../../src-main/services/seeded-random'

const dim = 128
const cellsPerFrame = defaultGrid.rows * defaultGrid.cols
const random = seededRandom(11)
/** A room's worth of concepts: every cell mixes two of them plus noise, as pooled embeddings do. */
const concepts = Array.from({ length: 24 }, () => unit(Float32Array.from({ length: dim }, () => random() - 0.5)))

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

/** A frame shows three of the concepts; each cell mixes two of them plus noise, as pooled embeddings do. */
function frameCells(shown: number[]): Int8Array {
  const out = new Int8Array(cellsPerFrame * dim)
  const pick = (): Float32Array => concepts[shown[Math.floor(random() * shown.length)]!]!
  for (let c = 0; c < cellsPerFrame; c++) {
    const [a, b, w] = [pick(), pick(), random()]
    const v = unit(Float32Array.from({ length: dim }, (_, d) => w * a[d]! + (1 - w) * b[d]! + 0.05 * (random() - 0.5)))
    for (let d = 0; d < dim; d++) out[c * dim + d] = Math.round(v[d]! * int8Scale)
  }
  return out
}

const shownIn = Array.from({ length: 40 }, () => [0, 1, 2].map(() => Math.floor(random() * concepts.length)))
const frames = shownIn.map(frameCells)
const homes: string[] = []
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })))

function indexes(components = defaultCellComponents): { exact: SessionQueryIndex; compressed: SessionQueryIndex } {
  const exact = new SessionQueryIndex(emptyIndexData('s', 'm', dim, frames.length))
  const sample = new Int8Array(frames.slice(0, 40).flatMap((f) => [...f]))
  const codes = new CellCodes(fitCellCodes(frames.length * cellsPerFrame, dim, sample, components))
  const compressed = new SessionQueryIndex({
    ...emptyIndexData('s', 'm', dim, 0),
    frameCount: frames.length,
    timestampsSec: new Float64Array(frames.length),
    indexed: new Uint8Array(frames.length),
    codes,
  })
  frames.forEach((cells, f) => {
    exact.setFrame(f, f / 10, cells)
    compressed.setFrame(f, f / 10, cells)
  })
  return { exact, compressed }
}

describe('the compressed recording index', () => {
  it('stores 24 bytes per cell and ranks cells as the exact int8 cells do', () => {
    const { exact, compressed } = indexes()
    expect(compressed.data.codes?.codes.byteLength).toBe(frames.length * cellsPerFrame * 24)
    const [a, b] = [concepts[shownIn[0]![0]!]!, concepts[shownIn[1]![1]!]!]
    for (const query of [a, b, unit(a.map((x, d) => x + b[d]!))]) {
      const want = exact.cellCosines(query)
      const got = compressed.cellCosines(query)
      let error = 0
      for (let i = 0; i < want.length; i++) error += Math.abs(want[i]! - got[i]!)
      expect(error / want.length).toBeLessThan(0.05)
      expect(rankAgreement(want, got, 100).spearman).toBeGreaterThan(0.95)
      // Its top 100 cells are as good as the exact top 100 (many cells tie, so the sets themselves may differ).
      const hundredth = [...want].sort((a, b) => b - a)[99]!
      const top = [...got.keys()].sort((a, b) => got[b]! - got[a]!).slice(0, 100)
      expect(Math.min(...top.map((i) => want[i]!))).toBeGreaterThan(hundredth - 0.03)
      // Recording search ranks frames by their best cell: the frames showing a concept come first.
      const best = compressed.frameRelevancy(query, [], '', 10)
      const showing = shownIn
        .map((shown, f) => (shown.includes(concepts.indexOf(query)) ? f : -1))
        .filter((f) => f >= 0)
      const ranked = [...best.keys()].sort((a, b) => best[b]! - best[a]!)
      if (showing.length) expect(new Set(ranked.slice(0, showing.length))).toEqual(new Set(showing))
    }
  })

  it('is saved and loaded back (codes read into the scan) with the same cosines, and names a truncated file', async () => {
    const { compressed } = indexes()
    const home = mkdtempSync(join(tmpdir(), 'dve-cell-codes-'))
    homes.push(home)
    const store = new SessionIndexStore(home)
    await store.save(compressed.data)
    const loaded = await store.load('s', 'm')
    expect(loaded).not.toBeNull()
    const query = concepts[2]!
    expect([...new SessionQueryIndex(loaded!).cellCosines(query)]).toEqual([...compressed.cellCosines(query)])
    const cells = frames.length * cellsPerFrame
    expect(await store.diskBytes('s', 'm')).toBeGreaterThan(cells * 24)
    expect(await store.diskBytes('s', 'm')).toBeLessThan(cells * 24 + 4 * dim * 26 + 4096)
    const { truncate } = await import('node:fs/promises')
    await truncate(join(home, 'query-index', 'm', 's.codes.i8'), 100)
    await expect(store.load('s', 'm')).rejects.toMatchObject({
      code: 'bad_file',
      message: expect.stringContaining('s.codes.i8: holds 100 bytes'),
    })
  })

  it('loads an index written with 32 codes per cell (before 24 became the default) as it was', async () => {
    const { compressed } = indexes(32)
    const home = mkdtempSync(join(tmpdir(), 'dve-cell-codes-'))
    homes.push(home)
    const store = new SessionIndexStore(home)
    await store.save(compressed.data)
    const loaded = new SessionQueryIndex((await store.load('s', 'm'))!)
    expect(loaded.data.codes?.components).toBe(32)
    const query = concepts[4]!
    expect([...loaded.cellCosines(query)]).toEqual([...compressed.cellCosines(query)])
  })
})
