/**
 * Binary PGM (P5) depth. The netpbm spec says 16-bit samples are big-endian, but some tools write
 * little-endian; `auto` picks the byte order whose image is smooth (neighbouring depths close),
 * because swapped bytes turn smooth surfaces into noise.
 */

export type ByteOrder = 'big' | 'little'

export interface PgmImage {
  width: number
  height: number
  maxValue: number
  /** Offset of the first sample byte. */
  dataOffset: number
}

/** Parses the header; throws with the reason when it is not a valid P5 file. */
export function parsePgmHeader(bytes: Uint8Array): PgmImage {
  const tokens: number[] = []
  let i = 0
  if (bytes[0] !== 0x50 || bytes[1] !== 0x35) throw new Error('not a binary PGM (the file does not start with "P5")')
  i = 2
  while (tokens.length < 3 && i < bytes.length) {
    const c = bytes[i]!
    if (c === 0x23) while (i < bytes.length && bytes[i] !== 0x0a) i++ // comment to end of line
    else if (c >= 0x30 && c <= 0x39) {
      let value = 0
      while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) value = value * 10 + bytes[i++]! - 0x30
      tokens.push(value)
      continue
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) throw new Error(`unexpected byte ${c} in the PGM header`)
    i++
  }
  const [width, height, maxValue] = tokens
  if (!width || !height || !maxValue || maxValue > 65535) throw new Error('the PGM header has no valid width, height and maxval')
  return { width, height, maxValue, dataOffset: i + 1 }
}

export function readPgmSamples(bytes: Uint8Array, header: PgmImage, order: ByteOrder): Uint16Array {
  const count = header.width * header.height
  const bytesPerSample = header.maxValue > 255 ? 2 : 1
  const needed = header.dataOffset + count * bytesPerSample
  if (bytes.length < needed) throw new Error(`truncated PGM: ${bytes.length} bytes, expected ${needed}`)
  const out = new Uint16Array(count)
  if (bytesPerSample === 1) {
    out.set(bytes.subarray(header.dataOffset, header.dataOffset + count))
    return out
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, count * 2)
  const little = order === 'little'
  for (let k = 0; k < count; k++) out[k] = view.getUint16(k * 2, little)
  return out
}

/** Mean absolute difference of horizontally neighbouring non-zero samples (lower = smoother). */
function roughness(samples: Uint16Array, width: number): number {
  let sum = 0
  let pairs = 0
  for (let k = 1; k < samples.length; k++) {
    if (k % width === 0) continue
    const a = samples[k - 1]!
    const b = samples[k]!
    if (a && b) {
      sum += Math.abs(a - b)
      pairs++
    }
  }
  return pairs ? sum / pairs : 0
}

export function chooseByteOrder(bytes: Uint8Array, header: PgmImage): ByteOrder {
  const big = readPgmSamples(bytes, header, 'big')
  const little = readPgmSamples(bytes, header, 'little')
  return roughness(little, header.width) < roughness(big, header.width) ? 'little' : 'big'
}
