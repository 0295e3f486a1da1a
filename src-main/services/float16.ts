/**
 * fp16 → float32 for cache reads (Node 20 has no Float16Array): a 65536-entry table of every half's
 * value. Encoding happens in the worker's output graph (ORT Cast, round to nearest even).
 */
import type { EmbeddingMap } from './ports'

/** The value of every half, indexed by its bits. */
export const halfToFloat = new Float32Array(65536)
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const mantissa = h & 0x3ff
  halfToFloat[h] =
    exponent === 0
      ? sign * mantissa * 2 ** -24
      : exponent === 31
        ? mantissa
          ? Number.NaN
          : sign * Number.POSITIVE_INFINITY
        : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

export function decodeHalf(halves: Uint16Array, out: Float32Array = new Float32Array(halves.length)): Float32Array {
  for (let i = 0; i < halves.length; i++) out[i] = halfToFloat[halves[i] as number] as number
  return out
}

/**
 * An embedding map read from fp16 whose float32 values are decoded on first use of `data`. A live turn
 * only pools the map into index cells, which read `halves` directly: decoding every frame's map cost
 * 5 ms and a 5 MB allocation (8 a second while live, most of the host's garbage collection).
 */
export function halfEmbeddingMap(layout: Omit<EmbeddingMap, 'data' | 'halves'>, halves: Uint16Array): EmbeddingMap {
  let data: Float32Array | null = null
  return {
    ...layout,
    halves,
    get data() {
      return (data ??= decodeHalf(halves))
    },
  }
}

/** A float32 copy of the map's values, for a receiver that takes ownership (decoded afresh from fp16). */
export function embeddingValuesCopy(map: EmbeddingMap): Float32Array {
  return map.halves ? decodeHalf(map.halves) : map.data.slice()
}
