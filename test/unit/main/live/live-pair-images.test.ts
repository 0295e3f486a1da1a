/**
 * A live pair's colour, handed to the model in memory, must be exactly what the frame reader decodes
 * from the file the recorder stores: checked for a real JPEG (the demo recording's), a PNG, and raw
 * bgr8, with depth the recorded samples.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { appRoot } from '../../../../src-main/platform/paths'
import { livePairImages } from '../../../../src-main/services/live/live-pair-images'
import { decodeGreyPng, decodeRgb } from '../../../../src-main/services/recordings/frame-decoding'
import type { RosAnyImage } from '../../../../src-main/services/recordings/import/ros-images'

const header = { stamp: { sec: 5, nanosec: 0 }, frame_id: 'camera' }
const topics = { rgbTopic: '/rgb', depthTopic: '/depth' }
const width = 64
const height = 48

function rawDepth(): RosAnyImage {
  const data = new Uint8Array(width * height * 2)
  const view = new DataView(data.buffer)
  for (let i = 0; i < width * height; i++) view.setUint16(i * 2, 500 + i, true)
  return { header, width, height, encoding: '16UC1', is_bigendian: 0, step: width * 2, data }
}

/** What the frame reader gives for the colour file the recorder would store. */
async function storedPixels(bytes: Uint8Array, extension: string): Promise<Uint8Array> {
  const path = join(mkdtempSync(join(tmpdir(), 'dve-pair-')), `frame.${extension}`)
  writeFileSync(path, bytes)
  return (await decodeRgb(path)).data
}

describe('a live pair in memory', () => {
  it('hands over the colour pixels the stored JPEG or PNG decodes to, and depth as recorded', async () => {
    const jpeg = readFileSync(join(appRoot(), 'resources', 'demo-recording', 'rgb', '000000.jpg'))
    const png = await sharp(jpeg).png().toBuffer()
    for (const [format, data] of [
      ['jpeg', jpeg],
      ['png', png],
    ] as const) {
      const pair = await livePairImages({ header, format, data }, rawDepth(), topics, 5)
      if (typeof pair === 'string') throw new Error(pair)
      expect(pair.rgb.pixels, format).toBeDefined()
      expect(Buffer.from(pair.rgb.pixels!).equals(Buffer.from(await storedPixels(pair.rgb.bytes, format)))).toBe(true)
      expect([pair.depth.width, pair.depth.data[0], pair.depth.data[width * height - 1]]).toEqual([
        width,
        500,
        500 + width * height - 1,
      ])
      // The PNG the recorder stores reads back, through the frame reader's decoder, as the same samples.
      const depthPath = join(mkdtempSync(join(tmpdir(), 'dve-pair-')), 'depth.png')
      writeFileSync(depthPath, pair.depthPng)
      const stored = await decodeGreyPng(depthPath)
      expect([stored.width, stored.height]).toEqual([width, height])
      expect(Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength)).toEqual(
        Buffer.from(pair.depth.data.buffer, pair.depth.data.byteOffset, pair.depth.data.byteLength),
      )
    }
  })

  it('hands over raw bgr8 as the RGB its stored PNG holds', async () => {
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 256)
    const colour: RosAnyImage = { header, width, height, encoding: 'bgr8', is_bigendian: 0, step: width * 3, data }
    const pair = await livePairImages(colour, rawDepth(), topics, 5)
    if (typeof pair === 'string') throw new Error(pair)
    expect(pair.rgb.extension).toBe('png')
    expect([...pair.rgb.pixels!.subarray(0, 3)]).toEqual([data[2], data[1], data[0]])
    expect(Buffer.from(pair.rgb.pixels!).equals(Buffer.from(await storedPixels(pair.rgb.bytes, 'png')))).toBe(true)
  })
})
