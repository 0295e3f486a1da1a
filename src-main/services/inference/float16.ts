/**
 * float32 ↔ IEEE half conversion for the embedding cache (Node 20 has no Float16Array): encoding
 * rounds to nearest even (as numpy's astype(float16)); decoding reads a 65536-entry table.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

const halfToFloat = new Float32Array(65536)
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const mantissa = h & 0x3ff
  halfToFloat[h] =
    exponent === 0 ? sign * mantissa * 2 ** -24
      : exponent === 31 ? (mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY)
        : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** One float → half bits, rounding to nearest even (overflow → ±inf, tiny → ±0 or subnormal). */
export function toHalf(value: number): number {
  f32[0] = value
  const bits = u32[0] as number
  const sign = (bits >>> 16) & 0x8000
  const exponentBits = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (exponentBits === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const exponent = exponentBits - 127
  if (exponent > 15) return sign | 0x7c00
  if (exponent < -25) return sign
  // Normal halves keep 10 mantissa bits; subnormals shift the implicit 1 in as well.
  const normal = exponent >= -14
  const shift = normal ? 13 : -exponent - 1
  const bitsIn = normal ? mantissa : mantissa | 0x800000
  let half = (normal ? (exponent + 15) << 10 : 0) | (bitsIn >>> shift)
  const dropped = bitsIn & ((1 << shift) - 1)
  const halfway = 1 << (shift - 1)
  // A carry out of the mantissa into the exponent (or to infinity) is the correctly rounded value.
  if (dropped > halfway || (dropped === halfway && (half & 1) === 1)) half += 1
  return sign | half
}

export function encodeHalf(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i] as number)
  return out
}

export function decodeHalf(halves: Uint16Array, out: Float32Array = new Float32Array(halves.length)): Float32Array {
  for (let i = 0; i < halves.length; i++) out[i] = halfToFloat[halves[i] as number] as number
  return out
}
