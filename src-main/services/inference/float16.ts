/**
 * float32 ↔ IEEE half conversion for the embedding cache (Node 20 has no Float16Array). Both
 * directions are table lookups: encoding indexes base/shift tables by the float's sign and exponent
 * (after van der Zijp, "Fast Half Float Conversions") and rounds to nearest, ties away from zero,
 * by adding the first dropped bit; decoding reads a 65536-entry table.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** Indexed by sign and exponent bits (bits >>> 23); the mantissa used includes the implicit 1. */
const baseTable = new Int32Array(512)
const shiftTable = new Uint8Array(512)
for (let e = 0; e < 256; e++) {
  const exponent = e - 127
  let base: number
  let shift: number
  if (exponent < -25) {
    base = 0 // too small even to round up to the smallest subnormal
    shift = 25
  } else if (exponent < -14) {
    base = 0 // subnormal half: the implicit 1 is part of the shifted mantissa
    shift = -exponent - 1
  } else if (exponent <= 15) {
    base = ((exponent + 15) << 10) - 0x400 // normal half: cancel the implicit 1 at bit 10
    shift = 13
  } else {
    base = 0x7c00 // overflow → infinity (NaN is handled in toHalf)
    shift = 25
  }
  baseTable[e] = base
  baseTable[e | 0x100] = base + 0x8000
  shiftTable[e] = shift
  shiftTable[e | 0x100] = shift
}

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

function halfFromBits(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000) return ((bits >>> 16) & 0x8000) | 0x7c00 | ((bits & 0x7fffff) !== 0 ? 0x200 : 0)
  const index = bits >>> 23
  const shift = shiftTable[index] as number
  const mantissa = (bits & 0x7fffff) | 0x800000
  // A carry out of the mantissa into the exponent (or to infinity) is the correctly rounded value.
  return (baseTable[index] as number) + (mantissa >>> shift) + ((mantissa >>> (shift - 1)) & 1)
}

/** One float → half bits. */
export function toHalf(value: number): number {
  f32[0] = value
  return halfFromBits(u32[0] as number)
}

export function encodeHalf(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length)
  for (let i = 0; i < bits.length; i++) out[i] = halfFromBits(bits[i] as number)
  return out
}

export function decodeHalf(halves: Uint16Array, out: Float32Array = new Float32Array(halves.length)): Float32Array {
  for (let i = 0; i < halves.length; i++) out[i] = halfToFloat[halves[i] as number] as number
  return out
}
