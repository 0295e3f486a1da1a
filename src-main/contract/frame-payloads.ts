/**
 * Binary layout of the 16-bit frame payloads served at `resourcePaths.frameImage(…, 'depth' | 'labels')`.
 * Browsers cannot decode 16-bit PNG losslessly, so the server sends raw samples:
 *
 *   bytes 0–3   magic "DV16"
 *   bytes 4–7   width  (uint32 LE)
 *   bytes 8–11  height (uint32 LE)
 *   bytes 12–15 scale  (float32 LE): metres per unit for depth (0 = invalid), 1 for labels
 *   bytes 16…   width × height uint16 LE, row-major
 *
 * Uint16 halves the bytes of Float32 metres and keeps the stored precision exactly.
 * RGB is served as the stored JPEG/PNG bytes.
 */
export const u16PayloadMagic = 'DV16'
export const u16PayloadHeaderBytes = 16

export interface U16Image {
  width: number
  height: number
  /** Metres per unit (depth) or 1 (labels). */
  scale: number
  data: Uint16Array
}

export function encodeU16Payload(image: U16Image): Uint8Array {
  const bytes = new Uint8Array(u16PayloadHeaderBytes + image.width * image.height * 2)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) bytes[i] = u16PayloadMagic.charCodeAt(i)
  view.setUint32(4, image.width, true)
  view.setUint32(8, image.height, true)
  view.setFloat32(12, image.scale, true)
  // Little-endian hosts (all the console runs on): the samples' bytes are already the wire layout.
  bytes.set(
    new Uint8Array(image.data.buffer, image.data.byteOffset, image.width * image.height * 2),
    u16PayloadHeaderBytes,
  )
  return bytes
}

/** Parses a payload; throws an Error naming the problem when the bytes are not one. */
export function decodeU16Payload(buffer: ArrayBuffer): U16Image {
  const view = new DataView(buffer)
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength)))
  if (buffer.byteLength < u16PayloadHeaderBytes || magic !== u16PayloadMagic)
    throw new Error('Frame payload: missing "DV16" header.')
  const width = view.getUint32(4, true)
  const height = view.getUint32(8, true)
  const scale = view.getFloat32(12, true)
  if (buffer.byteLength !== u16PayloadHeaderBytes + width * height * 2) {
    throw new Error(`Frame payload: ${buffer.byteLength} bytes do not hold ${width}×${height} samples.`)
  }
  const data = new Uint16Array(buffer.slice(u16PayloadHeaderBytes))
  return { width, height, scale, data }
}
