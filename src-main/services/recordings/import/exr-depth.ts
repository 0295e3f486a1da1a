/**
 * OpenEXR depth (Record3D's export, renderers) through three.js's EXRLoader, which decodes every
 * EXR compression without a DOM. Depth comes back as 32-bit float samples, top row first; the depth
 * decision reads them as float metres unless the data says millimetres.
 *
 * The loader only takes RGB(A) or luminance (`Y`) files. Depth writers often store one channel under
 * another name (Record3D `R`, renderers `Z`): a lone one-letter channel is renamed to `Y` in a copy
 * of the header (same length, so the chunk offsets stay valid) before decoding.
 */
import { FloatType, RedFormat } from 'three'
import { EXRLoader } from 'three/examples/jsm/loaders/EXRLoader.js'
import { ImageTooLarge, imageSizeAllowed } from '../../security/image-limits'

const exrMagic = [0x76, 0x2f, 0x31, 0x01]

export const isExr = (bytes: Uint8Array): boolean => exrMagic.every((b, i) => bytes[i] === b)

interface ExrHeader {
  width: number
  height: number
  /** Channel names with the byte offset of each name in the file. */
  channels: Array<{ name: string; offset: number }>
}

/** Reads the attributes this module needs (channel list, data window) from a single-part scanline header. */
function readExrHeader(bytes: Uint8Array): ExrHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const flags = view.getUint32(4, true)
  if (flags & 0x1800) throw new Error('multi-part and deep EXR files are not read; save the depth as a single image')
  const cString = (at: number): { text: string; next: number } => {
    const end = bytes.indexOf(0, at)
    if (end < 0 || end - at > 255) throw new Error('the EXR header is damaged')
    return { text: new TextDecoder('latin1').decode(bytes.subarray(at, end)), next: end + 1 }
  }
  let at = 8
  let channels: ExrHeader['channels'] = []
  let size: { width: number; height: number } | null = null
  while (at < bytes.length && bytes[at] !== 0) {
    const name = cString(at)
    const type = cString(name.next)
    const length = view.getInt32(type.next, true)
    const value = type.next + 4
    if (length < 0 || value + length > bytes.length) throw new Error('the EXR header is damaged')
    if (name.text === 'channels' && type.text === 'chlist') {
      channels = []
      // name\0, pixel type (4), pLinear + reserved (4), x/y sampling (8); a 0 byte ends the list.
      for (let c = value; bytes[c] !== 0 && c < value + length;) {
        const channel = cString(c)
        channels.push({ name: channel.text, offset: c })
        c = channel.next + 16
      }
    }
    if (name.text === 'dataWindow' && type.text === 'box2i') {
      const [xMin, yMin, xMax, yMax] = [0, 4, 8, 12].map((k) => view.getInt32(value + k, true))
      size = { width: xMax! - xMin! + 1, height: yMax! - yMin! + 1 }
    }
    at = value + length
  }
  if (!size || size.width <= 0 || size.height <= 0) throw new Error('the EXR header has no data window')
  return { ...size, channels }
}

/** The file's bytes as the loader can take them: a lone one-letter depth channel renamed to `Y`. */
function loadableBytes(bytes: Uint8Array, header: ExrHeader): ArrayBuffer {
  const copy = bytes.slice().buffer
  const names = header.channels.map((c) => c.name)
  const readable = names.includes('Y') || ['R', 'G', 'B'].every((n) => names.includes(n))
  if (readable) return copy
  const only = header.channels.length === 1 ? header.channels[0]! : null
  if (!only || only.name.length !== 1)
    throw new Error(
      `the EXR holds channels ${names.join(', ') || '(none)'}; depth is read from one channel, Y, or R of RGB(A)`,
    )
  new Uint8Array(copy)[only.offset] = 0x59 // 'Y'
  return copy
}

/** Decodes an EXR depth image to float samples (first channel, top row first). */
export function decodeDepthExr(bytes: Uint8Array, file: string): { width: number; height: number; data: Float32Array } {
  const header = readExrHeader(bytes)
  if (!imageSizeAllowed(header.width, header.height)) throw new ImageTooLarge(file, header.width, header.height)
  const loader = new EXRLoader().setDataType(FloatType)
  loader.setOutputFormat(RedFormat)
  const decoded = loader.parse(loadableBytes(bytes, header))
  const { width, height } = header
  const data = decoded.data
  if (!(data instanceof Float32Array) || decoded.width !== width || data.length !== width * height)
    throw new Error("the EXR decoder returned no single-channel float image of the header's size")
  // The loader returns rows bottom-up (a GL texture); sessions store them top-down.
  const topDown = new Float32Array(width * height)
  for (let y = 0; y < height; y++) topDown.set(data.subarray((height - 1 - y) * width, (height - y) * width), y * width)
  return { width, height, data: topDown }
}
