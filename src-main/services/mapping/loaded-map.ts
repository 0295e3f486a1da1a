/**
 * A map ready for queries and drawing: the fused map plus what is derived from it once (code norms,
 * bounds, PCA colours, the voxel payload) and, per negatives set, the max negative cosine of every
 * voxel — negatives rarely change, so a query then costs one pass over the codes.
 */
import { encodeMapPoints, type MapBounds } from '../../contract'
import { codeCosines, reconstructionNorms } from './embedding-codec'
import type { FusedMap } from './fused-map'
import { Int8DotScanner } from './int8-dot-scanner'

export class LoadedMap {
  readonly norms: Float32Array | null
  readonly bounds: MapBounds | null
  private payload: Uint8Array | null = null
  private negativeCache: { key: string; maxCosine: Float32Array } | null = null
  /** A copy of the codes in WebAssembly memory for the SIMD scan (made on the first query; null without SIMD). */
  private scanner: Int8DotScanner | null | undefined

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
    if (this.scanner === undefined)
      this.scanner = Int8DotScanner.create(this.map.codes.codes, this.map.codes.pca.components)
    return codeCosines(this.map.codes, this.norms, vector, out, this.scanner)
  }

  /** Per voxel, the largest cosine over the negatives (cached for the last negatives set). */
  maxNegativeCosine(key: string, negatives: Float32Array[]): Float32Array {
    if (this.negativeCache?.key === key) return this.negativeCache.maxCosine
    const maxCosine = new Float32Array(this.map.count).fill(-Infinity)
    const scratch = new Float32Array(this.map.count)
    for (const negative of negatives) {
      this.cosines(negative, scratch)
      for (let i = 0; i < maxCosine.length; i++) if (scratch[i]! > maxCosine[i]!) maxCosine[i] = scratch[i]!
    }
    this.negativeCache = { key, maxCosine }
    return maxCosine
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
