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
  return parseNetpbmHeader(bytes, '5')
}

/** Header of a binary netpbm file: P5 (grey) or P6 (colour). */
function parseNetpbmHeader(bytes: Uint8Array, kind: '5' | '6'): PgmImage {
  const tokens: number[] = []
  let i = 0
  if (bytes[0] !== 0x50 || bytes[1] !== kind.charCodeAt(0))
    throw new Error(`not a binary ${kind === '5' ? 'PGM' : 'PPM'} (the file does not start with "P${kind}")`)
  i = 2
  while (tokens.length < 3 && i < bytes.length) {
    const c = bytes[i]!
    if (c === 0x23)
      while (i < bytes.length && bytes[i] !== 0x0a) i++ // comment to end of line
    else if (c >= 0x30 && c <= 0x39) {
      let value = 0
      while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) value = value * 10 + bytes[i++]! - 0x30
      tokens.push(value)
      continue
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)
      throw new Error(`unexpected byte ${c} in the PGM header`)
    i++
  }
  const [width, height, maxValue] = tokens
  if (!width || !height || !maxValue || maxValue > 65535)
    throw new Error('the netpbm header has no valid width, height and maxval')
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

/** Binary PPM (P6) colour as 8-bit RGB; 16-bit samples keep their high byte. */
export function parsePpm(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const header = parseNetpbmHeader(bytes, '6')
  const wide = header.maxValue > 255
  const count = header.width * header.height * 3
  const needed = header.dataOffset + count * (wide ? 2 : 1)
  if (bytes.length < needed) throw new Error(`truncated PPM: ${bytes.length} bytes, expected ${needed}`)
  const data = new Uint8Array(count)
  const scale = 255 / (wide ? header.maxValue >> 8 || 1 : header.maxValue)
  for (let k = 0; k < count; k++)
    data[k] = Math.min(
      255,
      Math.round((wide ? bytes[header.dataOffset + 2 * k]! : bytes[header.dataOffset + k]!) * scale),
    )
  return { width: header.width, height: header.height, data }
}
