/**
 * fp16 → float32 for cache reads (Node 20 has no Float16Array): a 65536-entry table of every half's
 * value. Encoding happens in the worker's output graph (ORT Cast, round to nearest even).
 */

const halfToFloat = new Float32Array(65536)
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
