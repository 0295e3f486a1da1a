/**
 * A map ready for queries and drawing: the fused map plus what is derived from it once (code norms,
 * bounds, PCA colours, the voxel payload) and, per negatives set, the max negative cosine of every
 * voxel — negatives rarely change, so a query then costs one pass over the codes, which computes each
 * voxel's relevancy in WebAssembly SIMD (Int8DotScanner.relevancy).
 */
import { availableParallelism } from 'node:os'
import { encodeMapPoints, type MapBounds } from '../../contract'
import { relevancyInPlace } from '../query/relevancy'
import { codeCosines, queryTerms, reconstructionNorms } from './embedding-codec'
import type { FusedMap } from './fused-map'
import { Int8DotScanner, quantiseQuery } from './int8-dot-scanner'
import { relevancyBytes } from './map-arrays'
import { NearbyThings } from './nearby-thing'
import { histogramCut, plainScores, type VoxelScores } from './voxel-clusters'

export class LoadedMap {
  readonly norms: Float32Array | null
  readonly bounds: MapBounds | null
  private payload: Uint8Array | null = null
  private negativeKey: string | null = null
  /** Per voxel, the max negative cosine of `negativeKey` (in the scanner's values where SIMD is available). */
  private negativeValues: Float32Array | null = null
  /** A copy of the codes in WebAssembly memory for the SIMD scan (made on the first query; null without SIMD). */
  private simd: Int8DotScanner | null | undefined
  private nearby: NearbyThings | null = null

  constructor(readonly map: FusedMap) {
    this.norms = map.codes ? reconstructionNorms(map.codes) : null
    this.bounds = boundsOf(map)
  }

  get hasEmbeddings(): boolean {
    return this.map.codes !== null
  }

  /** Cosine of every voxel against an L2-normalised vector of the model's dim. */
  cosines(vector: Float32Array, out?: Float32Array): Float32Array {
    if (!this.map.codes || !this.norms) throw new Error('map has no embeddings')
    return codeCosines(this.map.codes, this.norms, vector, out, this.scanner())
  }

  /**
   * Relevancy of every voxel (relevancy.ts's rule: σ(T·(cos − max negative cos)), or (cos + 1)/2 without
   * negatives), in one SIMD pass where available, and `cutOf(keep)`: a value about `keep` voxels reach
   * (from the histogram the pass counts) where that is at least `cutFloor` (below it, some value below
   * `cutFloor`: the pass does not count all voxels below it), and `bytes()`: a copy of the values as bytes
   * for the view (the SIMD pass writes them too) with their max. All are valid until the map's next scan.
   */
  relevancy(
    vector: Float32Array,
    negatives: Float32Array[],
    negativesKey: string,
    temperature: number,
    cutFloor = 0,
  ): VoxelScores & { bytes: () => { bytes: Uint8Array; max: number } } {
    const codes = this.map.codes
    if (!codes) throw new Error('map has no embeddings')
    const maxNegative = negatives.length > 0 ? this.maxNegativeCosine(negativesKey, negatives) : null
    const scanner = this.scanner()
    if (scanner) {
      const { projected, queryMean } = queryTerms(codes.pca, vector)
      const { ints, fromInt } = quantiseQuery(projected)
      const scan = scanner.relevancy(ints, fromInt, queryMean, maxNegative ? temperature : null, cutFloor)
      return {
        values: scan.values,
        cutOf: (keep) => histogramCut(scan.histogram, keep, 0, scan.histogram.length - 1),
        atLeast: (cut) => scanner.atLeast(cut) ?? plainScores(scan.values).atLeast(cut),
        bytes: () => ({ bytes: scan.bytes.slice(), max: scan.max }),
      }
    }
    const values = this.cosines(vector)
    if (maxNegative) relevancyInPlace(values, maxNegative, temperature)
    else for (let i = 0; i < values.length; i++) values[i] = (values[i]! + 1) / 2
    return { ...plainScores(values), bytes: () => relevancyBytes(values) }
  }

  /** Per voxel, the largest cosine over the negatives (kept for the last negatives set). */
  maxNegativeCosine(key: string, negatives: Float32Array[]): Float32Array {
    const scanner = this.scanner()
    const maxCosine = scanner ? scanner.values : (this.negativeValues ??= new Float32Array(this.map.count))
    if (this.negativeKey === key) return maxCosine
    maxCosine.fill(-Infinity)
    const scratch = new Float32Array(this.map.count)
    for (const negative of negatives) {
      this.cosines(negative, scratch)
      for (let i = 0; i < maxCosine.length; i++) if (scratch[i]! > maxCosine[i]!) maxCosine[i] = scratch[i]!
    }
    this.negativeKey = key
    return maxCosine
  }

  /** The SIMD scanner, made on the first query with the voxels' factors (all scale/norm, then all 1/norm); null without SIMD. */
  private scanner(): Int8DotScanner | null {
    const { codes } = this.map
    if (this.simd !== undefined || !codes || !this.norms) return this.simd ?? null
    this.simd = Int8DotScanner.create(codes.codes, codes.pca.components, true, { helpers: scanHelpers(this.map.count) })
    const factors = this.simd?.factors
    const n = this.norms.length
    if (factors)
      for (let i = 0; i < n; i++) {
        factors[i] = codes.scales[i]! / this.norms[i]!
        factors[n + i] = 1 / this.norms[i]!
      }
    return this.simd
  }

  /** Stops the scan's helper threads (the map is no longer shown). */
  dispose(): void {
    this.simd?.dispose()
  }

  /** The recognised things pins are named after, bucketed once per map. */
  nearbyThings(): NearbyThings {
    const { positions, colors, labels, meta } = this.map
    this.nearby ??= new NearbyThings({ positions, colors, labels, labelClasses: meta.labelClasses })
    return this.nearby
  }

  /** The DVM1 payload the renderer draws (built once). */
  points(): Uint8Array {
    this.payload ??= encodeMapPoints({
      count: this.map.count,
      voxelSizeMeters: this.map.meta.voxelSizeMeters,
      hasPca: this.hasEmbeddings,
      positions: this.map.positions,
      colors: this.map.colors,
      pcaColors: this.pcaColors(),
      labels: this.map.labels,
    })
    return this.payload
  }

  /** First three PCA coefficients of each voxel as RGB, each stretched over its 2nd–98th percentile. */
  private pcaColors(): Uint8Array {
    const n = this.map.count
    const out = new Uint8Array(n * 4)
    const codes = this.map.codes
    if (!codes) return out
    const k = codes.pca.components
    for (let c = 0; c < Math.min(3, k); c++) {
      const values = new Float32Array(n)
      for (let i = 0; i < n; i++) values[i] = codes.codes[i * k + c]! * codes.scales[i]!
      const sorted = values.slice().sort()
      const lo = sorted[Math.floor(0.02 * (n - 1))] ?? 0
      const hi = sorted[Math.floor(0.98 * (n - 1))] ?? 1
      const range = hi - lo || 1
      for (let i = 0; i < n; i++) out[i * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, (values[i]! - lo) / range)))
    }
    for (let i = 0; i < n; i++) out[i * 4 + 3] = 255
    return out
  }
}

/** Maps from this size on share the relevancy pass with helper threads (below, starting them costs more than they save). */
const threadedVoxels = 1 << 18

/** Helper threads for a map's scan: one per further core, at most three (the pass is bound by memory bandwidth). */
function scanHelpers(count: number): number {
  return count >= threadedVoxels ? Math.min(3, availableParallelism() - 1) : 0
}

function boundsOf(map: FusedMap): MapBounds | null {
  if (map.count === 0) return null
  const min: [number, number, number] = [Infinity, Infinity, Infinity]
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < map.count; i++) {
    for (let a = 0; a < 3; a++) {
      const v = map.positions[i * 3 + a]!
      if (v < min[a]!) min[a] = v
      if (v > max[a]!) max[a] = v
    }
  }
  return { minMeters: min, maxMeters: max }
}
