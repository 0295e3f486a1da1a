/**
 * The per-session query index: every frame's embeddings pooled to a grid of int8 cell vectors, so a
 * whole-recording query is one pass over ~200 vectors per frame instead of re-reading every
 * embedding map. Exact per-pixel heatmaps are still computed per frame by the FrameScorer.
 */
import type { CellCodes } from './cell-codes'
import { int8Scale, type CellGrid } from './embedding-pooling'
import { relevancyInPlace, relevancyOfBest } from './relevancy'

export interface SessionIndexData {
  sessionId: string
  modelId: string
  dim: number
  grid: CellGrid
  frameCount: number
  timestampsSec: Float64Array
  /** 1 where the frame's cells are filled in. */
  indexed: Uint8Array
  /** frameCount × cellsPerFrame × dim, int8 (value / int8Scale ≈ unit vector component); empty when `codes` holds them. */
  cells: Int8Array
  /** The cells compressed to PCA codes (a recording's index); absent for exact cells (a single frame). */
  codes?: CellCodes
}

export const defaultGrid: CellGrid = { rows: 12, cols: 16 }

export function emptyIndexData(
  sessionId: string,
  modelId: string,
  dim: number,
  frameCount: number,
  grid = defaultGrid,
): SessionIndexData {
  return {
    sessionId,
    modelId,
    dim,
    grid,
    frameCount,
    timestampsSec: new Float64Array(frameCount),
    indexed: new Uint8Array(frameCount),
    cells: new Int8Array(frameCount * grid.rows * grid.cols * dim),
  }
}

export class SessionQueryIndex {
  /** Max negative cosine per cell, keyed by the negatives' text; negatives rarely change. */
  private readonly negativeCache = new Map<string, Float32Array>()

  constructor(readonly data: SessionIndexData) {}

  get cellsPerFrame(): number {
    return this.data.grid.rows * this.data.grid.cols
  }

  missingFrames(): number[] {
    const missing: number[] = []
    for (let i = 0; i < this.data.frameCount; i++) if (!this.data.indexed[i]) missing.push(i)
    return missing
  }

  setFrame(frameIndex: number, timestampSec: number, cells: Int8Array): void {
    if (this.data.codes) this.data.codes.encode(frameIndex * this.cellsPerFrame, cells)
    else this.data.cells.set(cells, frameIndex * this.cellsPerFrame * this.data.dim)
    this.data.timestampsSec[frameIndex] = timestampSec
    this.data.indexed[frameIndex] = 1
    this.negativeCache.clear()
    this.data.codes?.forgetNegatives()
  }

  /** Cosine of every cell (frame-major) with a unit vector. */
  cellCosines(vector: Float32Array): Float32Array {
    if (this.data.codes) return this.data.codes.cosines(vector)
    const { dim, cells } = this.data
    const count = this.data.frameCount * this.cellsPerFrame
    const out = new Float32Array(count)
    for (let c = 0; c < count; c++) {
      const base = c * dim
      let dot = 0
      for (let d = 0; d < dim; d++) dot += (cells[base + d] as number) * (vector[d] as number)
      out[c] = dot / int8Scale
    }
    return out
  }

  /** Relevancy of every cell against the negatives (keyed by `negativesKey` for caching). */
  cellRelevancy(
    query: Float32Array,
    negatives: Float32Array[],
    negativesKey: string,
    temperature: number,
  ): { relevancy: Float32Array; cosine: Float32Array } {
    const cosine = this.cellCosines(query)
    const relevancy = new Float32Array(cosine.length)
    if (negatives.length === 0) {
      for (let c = 0; c < cosine.length; c++) relevancy[c] = ((cosine[c] as number) + 1) / 2
      return { relevancy, cosine }
    }
    const maxNegative = this.maxNegativeCosines(negatives, negativesKey)
    // The table σ: an hour-long recording has 19 M cells, where Math.exp per cell alone takes ~0.3 s.
    relevancy.set(cosine)
    relevancyInPlace(relevancy, maxNegative, temperature)
    return { relevancy, cosine }
  }

  /**
   * Per frame, the relevancy of its best cell — what a recording search ranks by. The compressed index
   * does it in one SIMD pass (CellCodes.groupBest) with no per-cell array; the numbers are those of
   * cellRelevancy's per-frame maximum (test/unit/main/query/frame-relevancy.test.ts).
   */
  frameRelevancy(query: Float32Array, negatives: Float32Array[], negativesKey: string, temperature: number): number[] {
    const per = this.cellsPerFrame
    const best = this.data.codes
      ? this.data.codes.groupBest(query, per, negatives, negativesKey)
      : this.exactFrameBest(query, negatives, negativesKey)
    return Array.from(best, (margin) => relevancyOfBest(margin, negatives.length > 0, temperature))
  }

  /** Per frame, its largest cosine (less the cell's max negative cosine when there are negatives). */
  private exactFrameBest(query: Float32Array, negatives: Float32Array[], negativesKey: string): Float32Array {
    const cosine = this.cellCosines(query)
    const maxNegative = negatives.length > 0 ? this.maxNegativeCosines(negatives, negativesKey) : null
    const per = this.cellsPerFrame
    const out = new Float32Array(this.data.frameCount)
    for (let f = 0; f < out.length; f++) {
      let best = -Infinity
      for (let c = f * per; c < (f + 1) * per; c++) best = Math.max(best, cosine[c]! - (maxNegative?.[c] ?? 0))
      out[f] = best
    }
    return out
  }

  private maxNegativeCosines(negatives: Float32Array[], key: string): Float32Array {
    if (this.data.codes) return this.data.codes.maxNegativeCosines(negatives, key)
    const cached = this.negativeCache.get(key)
    if (cached) return cached
    const result = new Float32Array(this.data.frameCount * this.cellsPerFrame).fill(-Infinity)
    for (const negative of negatives) {
      const cosine = this.cellCosines(negative)
      for (let c = 0; c < result.length; c++) result[c] = Math.max(result[c] as number, cosine[c] as number)
    }
    this.negativeCache.set(key, result)
    return result
  }
}
