/**
 * ROS 2 `sensor_msgs/msg/Image` and `CompressedImage` into importer images: colour as 8-bit RGB or
 * the compressed bytes, depth as 16-bit millimetres (REP 118: 16UC1 is mm, 32FC1 is metres), also
 * from image_transport's compressedDepth (compressed-depth.ts).
 */
import { compressedDepthFormat, rawFromCompressedDepth } from './compressed-depth'
import type { LoadedImage } from './import-plan'

export interface RosTime {
  sec: number
  nanosec: number
}

export interface RosHeader {
  stamp: RosTime
  frame_id: string
}

export interface RosImage {
  header: RosHeader
  height: number
  width: number
  encoding: string
  is_bigendian: number
  step: number
  data: Uint8Array
}

export interface RosCompressedImage {
  header: RosHeader
  format: string
  data: Uint8Array
}

export type RosAnyImage = RosImage | RosCompressedImage

export const rosImageSchemas = new Set(['sensor_msgs/msg/Image', 'sensor_msgs/Image'])
export const rosCompressedImageSchemas = new Set(['sensor_msgs/msg/CompressedImage', 'sensor_msgs/CompressedImage'])

export const depthEncodings = new Set(['16UC1', 'mono16', '32FC1'])
/** 32FC1 metres are stored as millimetres. */
export const rosDepthUnitMeters = 0.001

export function stampSeconds(stamp: RosTime): number {
  return stamp.sec + stamp.nanosec * 1e-9
}

const isCompressed = (image: RosAnyImage): image is RosCompressedImage => 'format' in image

function rowView(image: RosImage, bytesPerPixel: number): (row: number) => DataView {
  if (image.step < image.width * bytesPerPixel || image.data.length < image.step * image.height)
    throw new Error(
      `the ${image.encoding} image has ${image.data.length} bytes, too few for ${image.width}×${image.height} (step ${image.step})`,
    )
  return (row) => new DataView(image.data.buffer, image.data.byteOffset + row * image.step, image.width * bytesPerPixel)
}

const colourLayouts: Record<string, { bytes: number; r: number; g: number; b: number }> = {
  rgb8: { bytes: 3, r: 0, g: 1, b: 2 },
  bgr8: { bytes: 3, r: 2, g: 1, b: 0 },
  rgba8: { bytes: 4, r: 0, g: 1, b: 2 },
  bgra8: { bytes: 4, r: 2, g: 1, b: 0 },
  mono8: { bytes: 1, r: 0, g: 0, b: 0 },
}

export function colourFromRos(image: RosAnyImage): LoadedImage {
  if (isCompressed(image)) {
    const format = image.format.toLowerCase()
    if (format.includes('jpeg') || format.includes('jpg'))
      return { kind: 'encoded', bytes: image.data, extension: 'jpg' }
    if (format.includes('png')) return { kind: 'encoded', bytes: image.data, extension: 'png' }
    throw new Error(`unsupported compressed image format "${image.format}"`)
  }
  const layout = colourLayouts[image.encoding]
  if (!layout)
    throw new Error(
      `unsupported colour encoding "${image.encoding}" (expected ${Object.keys(colourLayouts).join(', ')})`,
    )
  const row = rowView(image, layout.bytes)
  const data = new Uint8Array(image.width * image.height * 3)
  for (let y = 0; y < image.height; y++) {
    const view = row(y)
    for (let x = 0; x < image.width; x++) {
      const o = (y * image.width + x) * 3
      data[o] = view.getUint8(x * layout.bytes + layout.r)
      data[o + 1] = view.getUint8(x * layout.bytes + layout.g)
      data[o + 2] = view.getUint8(x * layout.bytes + layout.b)
    }
  }
  return { kind: 'rgb8', width: image.width, height: image.height, data }
}

/** Largest depth that fits 16-bit millimetres. */
const maxDepthMeters = 65.535

export function depthFromRos(image: RosAnyImage): LoadedImage {
  if (isCompressed(image)) {
    const format = compressedDepthFormat(image.format)
    if (!format)
      throw new Error(
        `compressed depth ("${image.format}") is not supported; depth must be sensor_msgs/msg/Image 16UC1 or 32FC1, or image_transport compressedDepth`,
      )
    return depthFromRos(rawFromCompressedDepth(image, format))
  }
  if (!depthEncodings.has(image.encoding))
    throw new Error(`the depth topic has encoding "${image.encoding}"; expected 16UC1 or 32FC1`)
  const float = image.encoding === '32FC1'
  const row = rowView(image, float ? 4 : 2)
  const little = !image.is_bigendian
  const data = new Uint16Array(image.width * image.height)
  for (let y = 0; y < image.height; y++) {
    const view = row(y)
    for (let x = 0; x < image.width; x++) {
      if (!float) data[y * image.width + x] = view.getUint16(x * 2, little)
      else {
        const meters = view.getFloat32(x * 4, little)
        // NaN, ±inf, non-positive and out-of-range depths are "no depth".
        data[y * image.width + x] = meters > 0 && meters <= maxDepthMeters ? Math.round(meters / rosDepthUnitMeters) : 0
      }
    }
  }
  return { kind: 'depth16', width: image.width, height: image.height, data }
}

export function imageFrameId(image: RosAnyImage): string {
  return image.header.frame_id
}
