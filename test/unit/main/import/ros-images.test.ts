/**
 * ROS 2 images into importer images: every colour layout (tight and with padded rows) must give
 * the same RGB pixels, and depth the same millimetres, whichever byte order the message uses.
 */
import { describe, expect, it } from 'vitest'
import { colourFromRos, depthFromRos, type RosImage } from '../../../../src-main/services/recordings/import/ros-images'

const header = { stamp: { sec: 1, nanosec: 0 }, frame_id: 'camera' }
const width = 5
const height = 3
/** The RGB every colour message below encodes: distinct values per pixel and channel. */
const rgbAt = (x: number, y: number): [number, number, number] => [10 * x + y, 100 + x + 7 * y, 200 + x - y]

function colourMessage(encoding: string, padding: number): RosImage {
  const channels: Record<string, (rgb: [number, number, number]) => number[]> = {
    rgb8: ([r, g, b]) => [r, g, b],
    bgr8: ([r, g, b]) => [b, g, r],
    rgba8: ([r, g, b]) => [r, g, b, 255],
    bgra8: ([r, g, b]) => [b, g, r, 255],
    mono8: ([r]) => [r],
  }
  const pixel = channels[encoding]!
  const bytesPerPixel = pixel([0, 0, 0]).length
  const step = width * bytesPerPixel + padding
  const data = new Uint8Array(step * height).fill(99)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(pixel(rgbAt(x, y)), y * step + x * bytesPerPixel)
  return { header, width, height, encoding, is_bigendian: 0, step, data }
}

function depthMessage(encoding: '16UC1' | '32FC1', bigEndian: boolean, padding: number, at: (i: number) => number) {
  const bytes = encoding === '16UC1' ? 2 : 4
  const step = width * bytes + padding
  const data = new Uint8Array(step * height + 1).subarray(1) // an odd offset, as in a received frame
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const value = at(y * width + x)
      if (bytes === 2) view.setUint16(y * step + x * 2, value, !bigEndian)
      else view.setFloat32(y * step + x * 4, value, !bigEndian)
    }
  return { header, width, height, encoding, is_bigendian: bigEndian ? 1 : 0, step, data }
}

describe('ROS 2 images', () => {
  it('reads every colour layout, tight or padded, as the same RGB pixels', () => {
    for (const encoding of ['rgb8', 'bgr8', 'rgba8', 'bgra8', 'mono8'])
      for (const padding of [0, 3]) {
        const image = colourFromRos(colourMessage(encoding, padding))
        if (image.kind !== 'rgb8') throw new Error(`${encoding}: ${image.kind}`)
        expect([image.width, image.height, image.data.length]).toEqual([width, height, width * height * 3])
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const [r, g, b] = rgbAt(x, y)
            const expected = encoding === 'mono8' ? [r, r, r] : [r, g, b]
            const o = (y * width + x) * 3
            expect([...image.data.subarray(o, o + 3)], `${encoding} +${padding} at ${x},${y}`).toEqual(expected)
          }
      }
  })

  it('reads 16UC1 depth in either byte order, with padded rows at any offset', () => {
    for (const bigEndian of [false, true])
      for (const padding of [0, 2]) {
        const image = depthFromRos(depthMessage('16UC1', bigEndian, padding, (i) => 1000 + 257 * i))
        if (image.kind !== 'depth16') throw new Error(image.kind)
        expect([...image.data], `big-endian ${bigEndian}, +${padding}`).toEqual(
          Array.from({ length: width * height }, (_, i) => 1000 + 257 * i),
        )
      }
  })

  it('reads 32FC1 metres as millimetres, with no depth where the value is not a usable distance', () => {
    const metres = [0.5, 1.2345, Number.NaN, -1, 0, Number.POSITIVE_INFINITY, 70, 65.5]
    const image = depthFromRos(depthMessage('32FC1', false, 4, (i) => metres[i % metres.length]!))
    if (image.kind !== 'depth16') throw new Error(image.kind)
    expect([...image.data.subarray(0, metres.length)]).toEqual([500, 1235, 0, 0, 0, 0, 0, 65500])
  })

  it('names the encoding it cannot read, and a message too short for its size', () => {
    expect(() => colourFromRos({ ...colourMessage('rgb8', 0), encoding: 'yuv422' })).toThrow(/"yuv422".*expected rgb8/)
    const short = colourMessage('rgb8', 0)
    expect(() => colourFromRos({ ...short, data: short.data.subarray(0, 10) })).toThrow(/10 bytes, too few for 5×3/)
  })
})
