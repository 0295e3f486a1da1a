/**
 * One frame in one response (`resourcePaths.frameImage(…, 'bundle')`), so a Player seek costs one
 * round trip instead of three:
 *
 *   bytes 0–3    magic "DVFB"
 *   bytes 4–7    RGB byte length (uint32 LE): the stored JPEG/PNG file
 *   bytes 8–11   depth byte length: a "DV16" payload (frame-payloads.ts)
 *   bytes 12–15  labels byte length: a "DV16" payload, or 0 when the frame has no labels
 *   bytes 16…    RGB, depth, labels, back to back
 */
import { decodeU16Payload, type U16Image } from './frame-payloads'

export const frameBundleMagic = 'DVFB'
const headerBytes = 16

export interface FrameBundle {
  /** The stored RGB file's bytes (JPEG or PNG; browsers sniff which). */
  rgb: Uint8Array<ArrayBuffer>
  depth: U16Image
  labels: U16Image | null
}

export function encodeFrameBundle(
  rgb: Uint8Array,
  depthPayload: Uint8Array,
  labelsPayload: Uint8Array | null,
): Uint8Array {
  const labels = labelsPayload ?? new Uint8Array(0)
  const bytes = new Uint8Array(headerBytes + rgb.byteLength + depthPayload.byteLength + labels.byteLength)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) bytes[i] = frameBundleMagic.charCodeAt(i)
  view.setUint32(4, rgb.byteLength, true)
  view.setUint32(8, depthPayload.byteLength, true)
  view.setUint32(12, labels.byteLength, true)
  bytes.set(rgb, headerBytes)
  bytes.set(depthPayload, headerBytes + rgb.byteLength)
  bytes.set(labels, headerBytes + rgb.byteLength + depthPayload.byteLength)
  return bytes
}

/** Parses a bundle; throws an Error naming the problem when the bytes are not one. */
export function decodeFrameBundle(buffer: ArrayBuffer): FrameBundle {
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength)))
  if (buffer.byteLength < headerBytes || magic !== frameBundleMagic)
    throw new Error('Frame bundle: missing "DVFB" header.')
  const view = new DataView(buffer)
  const rgbBytes = view.getUint32(4, true)
  const depthBytes = view.getUint32(8, true)
  const labelsBytes = view.getUint32(12, true)
  if (headerBytes + rgbBytes + depthBytes + labelsBytes !== buffer.byteLength) {
    throw new Error(
      `Frame bundle: parts of ${rgbBytes} + ${depthBytes} + ${labelsBytes} bytes do not fill ${buffer.byteLength - headerBytes}.`,
    )
  }
  const depthStart = headerBytes + rgbBytes
  const labelsStart = depthStart + depthBytes
  return {
    rgb: new Uint8Array(buffer, headerBytes, rgbBytes),
    depth: decodeU16Payload(buffer.slice(depthStart, labelsStart)),
    labels: labelsBytes > 0 ? decodeU16Payload(buffer.slice(labelsStart, labelsStart + labelsBytes)) : null,
  }
}
