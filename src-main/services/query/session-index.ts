/**
 * The per-session query index: every frame's embeddings pooled to a grid of int8 cell vectors, so a
 * whole-recording query is one pass over ~200 vectors per frame instead of re-reading every
 * embedding map. Exact per-pixel heatmaps are still computed per frame by the FrameScorer.
 */
import { CellCodes, fitCellCodes } from './cell-codes'
import { int8Scale, poolCells, type CellGrid } from './embedding-pooling'
import type { EmbeddingMap } from '../ports'
import { relevancyInPlace, relevancyOfBest } from './relevancy'

export interface SessionIndexData {
  sessionId: string
  modelId: string
  dim: number
  grid: CellGrid
  frameCount: number
  timestampsSec: Float64Array
  /** Per frame: 1 its cells are filled in, 0 missing (to be built), `frameLeftOut`. */
  indexed: Uint8Array
  /** frameCount × cellsPerFrame × dim, int8 (value / int8Scale ≈ unit vector component); empty when `codes` holds them. */
  cells: Int8Array
  /** The cells compressed to PCA codes (a recording's index); absent for exact cells (a single frame). */
  codes?: CellCodes
}

export const defaultGrid: CellGrid = { rows: 12, cols: 16 }

const cellsOfMap = new WeakMap<EmbeddingMap, Int8Array>()

/** A map's cells on the index's grid, pooled once: the live heatmap and the live Ask index share them. */
export function mapCells(map: EmbeddingMap): Int8Array {
  let cells = cellsOfMap.get(map)
  if (!cells) cellsOfMap.set(map, (cells = poolCells(map, defaultGrid)))
  return cells
}

/** A frame of a live session that the live model passed by: not searched, and not embedded later. */
export const frameLeftOut = 2

/** Frames sampled (strided over the recording) to fit the index's compression. */
export const fitFrames = 48

export interface FrameCells {
  frameIndex: number
  timestampSec: number
  cells: Int8Array
  dim: number
}

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

  /**
   * A copy over `frameCount` frames in which this index's frame k is frame `at(k)` (k itself by default;
   * one outside the copy is dropped); every other frame is missing.
   */
  placed(frameCount: number, at: (k: number) => number = (k) => k): SessionQueryIndex {
    const { data } = this
    const per = this.cellsPerFrame
    const width = data.codes ? per * data.codes.components : per * data.dim
    const from = data.codes ? data.codes.codes : data.cells
    const codes = data.codes && new CellCodes({ ...data.codes.layout, count: frameCount * per })
    const to = codes ? codes.codes : new Int8Array(frameCount * width)
    const timestampsSec = new Float64Array(frameCount)
    const indexed = new Uint8Array(frameCount)
    for (let k = 0; k < data.frameCount; k++) {
      const f = at(k)
      if (!(f >= 0 && f < frameCount)) continue
      to.set(from.subarray(k * width, (k + 1) * width), f * width)
      timestampsSec[f] = data.timestampsSec[k]!
      indexed[f] = data.indexed[k]!
    }
    return new SessionQueryIndex({
      ...data,
      frameCount,
      timestampsSec,
      indexed,
      ...(codes ? { codes } : { cells: to }),
    })
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

/** A compressed index of `frameCount` frames fitted on the given frames' cells, with those frames filled in. */
export function compressedIndex(
  sessionId: string,
  modelId: string,
  frameCount: number,
  frames: FrameCells[],
): SessionQueryIndex {
  const dim = frames[0]!.dim
  const sample = new Int8Array(frames.reduce((n, f) => n + f.cells.length, 0))
  frames.reduce((offset, f) => (sample.set(f.cells, offset), offset + f.cells.length), 0)
  const cellsPerFrame = defaultGrid.rows * defaultGrid.cols
  const codes = new CellCodes(fitCellCodes(frameCount * cellsPerFrame, dim, sample))
  const index = new SessionQueryIndex({
    sessionId,
    modelId,
    dim,
    grid: defaultGrid,
    frameCount,
    codes,
    timestampsSec: new Float64Array(frameCount),
    indexed: new Uint8Array(frameCount),
    cells: new Int8Array(0),
  })
  for (const f of frames) index.setFrame(f.frameIndex, f.timestampSec, f.cells)
  return index
}
