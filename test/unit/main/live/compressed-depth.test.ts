/**
 * image_transport compressedDepth: golden messages laid out as the C codec writes them (a 12-byte
 * ConfigHeader `int32 format, float32 depthParam[2]` little-endian, then a 16-bit grey PNG; the
 * PNGs below were made with Python's zlib, not with the code under test), the simulator's encoder
 * read back, every refusal, and the topic choice that prefers raw depth, then compressedDepth.
 */
import { describe, expect, it } from 'vitest'
import { encode } from 'fast-png'
import { compressedDepth16 } from '../../../../src-main/services/recordings/import/compressed-depth'
import { encodeDepthPng } from '../../../../src-main/services/recordings/import/frame-images'
import { depthFromRos, type RosCompressedImage } from '../../../../src-main/services/recordings/import/ros-images'
import { suggestTopics } from '../../../../src-main/services/live/topic-choice'

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!, (h) => parseInt(h, 16))

/** format 0 (INV_DEPTH), a = 10100, b = −1009: the codec's defaults depth_quantization 100, depth_max 10. */
const inverseDepthHeader = '00000000 00d01d46 00407cc4'
/** 2×2, 16-bit grey: 9091, 3031, 19191, 0 — inverse depth of 1 m, 2.5 m, 0.5 m and "none". */
const inverseDepthPng =
  '89504e470d0a1a0a0000000d4948445200000002000000021000000000074d8ebb000000124944415478da63506ee6becee0f59d8101000ec102caeb037ab80000000049454e44ae426082'
/** 2×2, 16-bit grey: 1000, 2500, 500, 0 millimetres. */
const millimetrePng =
  '89504e470d0a1a0a0000000d4948445200000002000000021000000000074d8ebb000000124944415478da63607ec1798481f10b0303000f1c02ae309567ff0000000049454e44ae426082'

const header = { stamp: { sec: 1, nanosec: 0 }, frame_id: 'camera_depth_optical_frame' }
const message = (format: string, data: Uint8Array): RosCompressedImage => ({ header, format, data })
const depthOf = (image: RosCompressedImage): number[] => {
  const depth = depthFromRos(image)
  if (depth.kind !== 'depth16') throw new Error(`decoded as ${depth.kind}`)
  return [depth.width, depth.height, ...depth.data]
}

describe('compressedDepth decoding', () => {
  it('reads 32FC1 inverse depth as depth = a / (v − b), zero as no depth', () => {
    const data = hex(inverseDepthHeader + inverseDepthPng)
    expect(depthOf(message('32FC1; compressedDepth png', data))).toEqual([2, 2, 1000, 2500, 500, 0])
  })

  it('reads 16UC1 millimetres as they are, whatever the (uninitialised) parameters hold, old format string too', () => {
    const data = hex('00000000 deadbeef 01020304' + millimetrePng)
    expect(depthOf(message('16UC1; compressedDepth', data))).toEqual([2, 2, 1000, 2500, 500, 0])
    expect(depthOf(message('16UC1; compressedDepth png', data))).toEqual([2, 2, 1000, 2500, 500, 0])
  })

  it('reads back what the simulator publishes: a zeroed header, then its 16-bit PNG', async () => {
    const mm = Uint16Array.from({ length: 64 * 48 }, (_, i) => (i * 7919) % 65536)
    const published = compressedDepth16(await encodeDepthPng({ width: 64, height: 48, data: mm, png: null }))
    expect(published.format).toBe('16UC1; compressedDepth png')
    expect([...published.data.subarray(0, 12)]).toEqual(new Array(12).fill(0))
    expect(depthOf(message(published.format, published.data))).toEqual([64, 48, ...mm])
  })

  it('refuses what it cannot read, each with one clear reason', () => {
    const good = hex(inverseDepthHeader + inverseDepthPng)
    expect(() => depthFromRos(message('32FC1; compressedDepth rvl', good))).toThrow(
      /compressedDepth with rvl compression is not supported; set the publisher's format parameter to png/,
    )
    expect(() => depthFromRos(message('8UC1; compressedDepth png', good))).toThrow(/"8UC1" is not supported/)
    expect(() => depthFromRos(message('16UC1; compressedDepth png', good.subarray(0, 12)))).toThrow(
      /\(12 bytes\) has no PNG after its 12-byte header/,
    )
    // A PNG without the header (a publisher that forgot it) is not mistaken for one.
    expect(() => depthFromRos(message('16UC1; compressedDepth png', hex(millimetrePng)))).toThrow(/has no PNG/)
    const colourPng = encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 })
    const rgb = new Uint8Array(12 + colourPng.length)
    rgb.set(colourPng, 12)
    expect(() => depthFromRos(message('16UC1; compressedDepth png', rgb))).toThrow(
      /has 3 channel\(s\) of 8 bits; expected one 16-bit channel/,
    )
    const huge = hex(inverseDepthHeader + inverseDepthPng)
    new DataView(huge.buffer).setUint32(12 + 16, 20_000)
    expect(() => depthFromRos(message('32FC1; compressedDepth png', huge))).toThrow(/declares 20000×2 pixels/)
    const unknown = hex('ffffffff 00d01d46 00407cc4' + inverseDepthPng)
    expect(() => depthFromRos(message('32FC1; compressedDepth png', unknown))).toThrow(/names format -1/)
    expect(() => depthFromRos(message('jpeg', good))).toThrow(/compressed depth \("jpeg"\) is not supported/)
  })
})

describe('depth topic choice', () => {
  const image = 'sensor_msgs/msg/Image'
  const compressed = 'sensor_msgs/msg/CompressedImage'
  const topic = (name: string, schemaName: string) => ({ topic: name, schemaName })

  it('prefers raw depth, then compressedDepth, then other compressed images', () => {
    const compressedDepthTopic = topic('/camera/depth/image_raw/compressedDepth', compressed)
    const jpegDepth = topic('/camera/depth/image_raw/compressed', compressed)
    const raw = topic('/camera/depth/image_raw', image)
    const colour = topic('/camera/color/image_raw', image)
    expect(suggestTopics([colour, jpegDepth, compressedDepthTopic, raw]).depthTopic).toBe(raw.topic)
    expect(suggestTopics([colour, jpegDepth, compressedDepthTopic]).depthTopic).toBe(compressedDepthTopic.topic)
    expect(suggestTopics([colour, compressedDepthTopic, jpegDepth]).depthTopic).toBe(compressedDepthTopic.topic)
  })
})
