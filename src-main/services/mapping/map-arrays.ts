/**
 * Per-voxel arrays of the map's recent queries and class colourings, kept by token for the data routes
 * (the view fetches each once): relevancy as bytes (0–255 for 0–1), class indices as Uint16 bytes.
 */
import { ConsoleError } from '../../contract'

/** Arrays of recent queries kept, by token. */
const keptArrays = 8

/** A relevancy array (0–1 per voxel) as bytes, and its largest value (at least 0); the SIMD scan writes the same. */
export function relevancyBytes(values: Float32Array): { bytes: Uint8Array; max: number } {
  const bytes = new Uint8Array(values.length)
  let max = 0
  // Ternaries instead of Math.round/min/max: 8× faster over a million values.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > max) max = v
    const x = v * 255 + 0.5
    bytes[i] = x >= 255 ? 255 : x > 0 ? x : 0
  }
  return { bytes, max }
}

export class MapArrays {
  private readonly arrays = new Map<string, Uint8Array>()
  private tokenCounter = 0

  /** Keeps `bytes` (zero-padded to `count` voxels, when the view shows more than were scored); its token. */
  keep(bytes: Uint8Array, count = bytes.length): string {
    const token = `r${(this.tokenCounter++).toString(36)}`
    const padded = count > bytes.length ? new Uint8Array(count) : bytes
    if (padded !== bytes) padded.set(bytes)
    this.arrays.set(token, padded)
    for (const key of this.arrays.keys()) if (this.arrays.size > keptArrays) this.arrays.delete(key)
    return token
  }

  bytes(token: string): Uint8Array {
    const bytes = this.arrays.get(token)
    if (!bytes) throw new ConsoleError('not_found', `Map array "${token}" has expired; run the query again.`)
    return bytes
  }

  /** The relevancy kept under a data path's last segment, as 0–1 floats. */
  relevancyFloats(path: string): Float32Array {
    return Float32Array.from(this.bytes(path.split('/').pop() as string), (b) => b / 255)
  }
}
