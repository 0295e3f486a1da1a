/**
 * How much the recording index's compression costs on real embeddings: the demo model over the demo
 * recording, every frame's embeddings pooled to index cells, and the recording search (frames ranked
 * by their best cell's relevancy, SessionQueryIndex.frameRelevancy) through compressed indexes of a
 * few sizes against the exact int8 cells of the 12×16 grid. Each variant's bytes at 100 000 frames
 * say which fit the 600 MB aim. Needs no user data (the demo ships).
 */
import { rankAgreement } from '../../services/mapping/rank-agreement'
import { CellCodes, fitCellCodes } from '../../services/query/cell-codes'
import { poolCells, type CellGrid } from '../../services/query/embedding-pooling'
import { SessionQueryIndex, defaultGrid, emptyIndexData } from '../../services/query/session-index'
import type { EmbeddingMap } from '../../services/ports'
import type { BenchRow } from './bench-types'
import { demoSessionId as sessionId, withDemoInference } from './demo-inference'

/** The demo pack's own class names: each is queried with the others as negatives, as the vocabulary does. */
const queries = ['sofa', 'bed', 'plant', 'lamp', 'tv', 'chair', 'rug', 'shelf']
const variants: Array<{ grid: CellGrid; components: number }> = [
  { grid: defaultGrid, components: 32 },
  { grid: defaultGrid, components: 24 },
  { grid: defaultGrid, components: 16 },
  { grid: { rows: 9, cols: 12 }, components: 32 },
]
/** Frames a recording search shows first. */
const topFrames = 10

export async function demoIndexRankingRows(frameStep: number): Promise<BenchRow[]> {
  const rows = await withDemoInference('scale bench', async ({ frames, inference }) => {
    const count = await frames.frameCount(sessionId)
    const maps: EmbeddingMap[] = []
    for (let f = 0; f < count; f += frameStep) maps.push(await inference.frameEmbeddings(sessionId, f))
    const dim = maps[0]!.dim
    const build = (grid: CellGrid, components: number | null): SessionQueryIndex => {
      const data = emptyIndexData(sessionId, 'demo', dim, maps.length, grid)
      const cells = maps.map((map) => poolCells(map, grid))
      if (components !== null) {
        data.cells = new Int8Array(0)
        const sample = new Int8Array(cells.reduce((n, c) => n + c.length, 0))
        cells.reduce((offset, c) => (sample.set(c, offset), offset + c.length), 0)
        data.codes = new CellCodes(fitCellCodes(maps.length * grid.rows * grid.cols, dim, sample, components))
      }
      const index = new SessionQueryIndex(data)
      cells.forEach((c, f) => index.setFrame(f, f, c))
      return index
    }
    const vectors = await inference.textEmbeddings(queries)
    const search = (index: SessionQueryIndex): Float32Array[] =>
      vectors.map((query, q) =>
        Float32Array.from(
          index.frameRelevancy(
            query,
            vectors.filter((_, i) => i !== q),
            `all but ${q}`,
            10,
          ),
        ),
      )
    const exact = search(build(defaultGrid, null))
    return variants.flatMap(({ grid, components }) => {
      const agreements = search(build(grid, components)).map((approx, q) => rankAgreement(exact[q]!, approx, topFrames))
      const megabytes = (100_000 * grid.rows * grid.cols * components) / 1e6
      const label = `${grid.rows}×${grid.cols} cells × ${components} codes (${megabytes.toFixed(0)} MB at 100 k frames)`
      const versus = `vs exact int8 ${defaultGrid.rows}×${defaultGrid.cols} cells, demo model, ${maps.length} frames, worst of ${queries.length} queries`
      return [
        {
          name: `recording search frame ranking Spearman, ${label}, ${versus}`,
          value: Math.min(...agreements.map((a) => a.spearman)),
          unit: '',
        },
        {
          name: `recording search top-${topFrames} frames overlap, ${label}, ${versus}`,
          value: Math.min(...agreements.map((a) => a.topOverlap)),
          unit: '',
        },
      ]
    })
  })
  return rows ?? []
}
