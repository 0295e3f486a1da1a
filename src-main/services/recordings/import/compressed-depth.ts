/**
 * ROS `image_transport` compressedDepth: a `sensor_msgs/CompressedImage` whose format reads like
 * "16UC1; compressedDepth png" (older publishers: "16UC1; compressedDepth") and whose data is a
 * 12-byte ConfigHeader — `int32 format` (INV_DEPTH = 0), `float32 depthParam[2]`, little-endian as the
 * C struct is memcpy'd on x86 and ARM — followed by a 16-bit grey PNG. 16UC1 stores millimetres as
 * they are; 32FC1 stores quantised inverse depth v, and depth in metres is a / (v - b) (v = 0: none).
 * Decoded here into the raw `Image` it stands for, so REP 118 units stay in one place (ros-images.ts).
 */
import { decode as decodePng, hasPngSignature } from 'fast-png'
import { imageSizeAllowed, maxImagePixels, maxImageSidePixels } from '../../security/image-limits'
import type { RosCompressedImage, RosImage } from './ros-images'

export const compressedDepthHeaderBytes = 12
const invDepthFormat = 0

export interface CompressedDepthFormat {
  /** The raw image's encoding before compression (16UC1 or 32FC1). */
  encoding: string
  /** "png", or "rvl" from newer publishers (not read here). */
  compression: string
}

/** The parts of a compressedDepth format string, or null when the message is not compressedDepth. */
export function compressedDepthFormat(format: string): CompressedDepthFormat | null {
  const [encoding = '', rest] = format.split(';', 2)
  const words = rest?.trim().split(/\s+/) ?? []
  if (words[0]?.toLowerCase() !== 'compresseddepth') return null
  return { encoding: encoding.trim(), compression: (words[1] ?? 'png').toLowerCase() }
}

/** The raw 16UC1 / 32FC1 image a compressedDepth message carries; a clear error for anything else. */
export function rawFromCompressedDepth(image: RosCompressedImage, format: CompressedDepthFormat): RosImage {
  if (format.compression !== 'png')
    throw new Error(
      `compressedDepth with ${format.compression} compression is not supported; set the publisher's format parameter to png`,
    )
  if (format.encoding !== '16UC1' && format.encoding !== '32FC1')
    throw new Error(`compressedDepth of "${format.encoding}" is not supported; expected 16UC1 or 32FC1`)
  const png = image.data.subarray(compressedDepthHeaderBytes)
  if (image.data.length <= compressedDepthHeaderBytes || !hasPngSignature(png))
    throw new Error(`the compressedDepth message (${image.data.length} bytes) has no PNG after its 12-byte header`)
  const header = new DataView(image.data.buffer, image.data.byteOffset, compressedDepthHeaderBytes)
  const declared = new DataView(png.buffer, png.byteOffset, Math.min(png.length, 24))
  if (declared.byteLength === 24 && !imageSizeAllowed(declared.getUint32(16), declared.getUint32(20)))
    throw new Error(
      `the compressedDepth PNG declares ${declared.getUint32(16)}×${declared.getUint32(20)} pixels; up to ${maxImageSidePixels} px a side and ${maxImagePixels / 1e6} MP are accepted`,
    )
  const decoded = decodePng(png)
  if (decoded.channels !== 1 || decoded.depth !== 16)
    throw new Error(
      `the compressedDepth PNG has ${decoded.channels} channel(s) of ${decoded.depth} bits; expected one 16-bit channel`,
    )
  const samples = decoded.data as Uint16Array
  const { width, height } = decoded
  if (format.encoding === '16UC1') {
    const data = new Uint8Array(width * height * 2)
    new Uint16Array(data.buffer).set(samples)
    return { header: image.header, width, height, encoding: '16UC1', is_bigendian: 0, step: width * 2, data }
  }
  if (header.getInt32(0, true) !== invDepthFormat)
    throw new Error(
      `the compressedDepth header names format ${header.getInt32(0, true)}; only inverse depth (0) is known`,
    )
  const a = header.getFloat32(4, true)
  const b = header.getFloat32(8, true)
  const metres = new Float32Array(width * height)
  for (let i = 0; i < metres.length; i++) metres[i] = samples[i] ? a / (samples[i]! - b) : Number.NaN
  const data = new Uint8Array(metres.buffer)
  return { header: image.header, width, height, encoding: '32FC1', is_bigendian: 0, step: width * 4, data }
}

/**
 * A compressedDepth message's format and data for 16-bit millimetre depth already encoded as a
 * 16-bit grey PNG: the header is zeroed (format INV_DEPTH, parameters unused for 16UC1).
 */
export function compressedDepth16(depthPng: Uint8Array): { format: string; data: Uint8Array } {
  const data = new Uint8Array(compressedDepthHeaderBytes + depthPng.length)
  data.set(depthPng, compressedDepthHeaderBytes)
  return { format: '16UC1; compressedDepth png', data }
}
