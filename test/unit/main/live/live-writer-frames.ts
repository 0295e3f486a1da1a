/** Tiny frames whose pixels and pose encode their number, for the live writer tests. */
import { encode } from 'fast-png'
import type { FrameToRecord } from '../../../../src-main/services/live/live-session-writer'

export function testFrame(k: number): FrameToRecord {
  const rgb = new Uint8Array(4 * 3 * 3).fill(k % 256)
  const depth = new Uint16Array(4 * 3).fill(1000 + k)
  return {
    stamp: { sec: 100 + Math.floor(k / 10), nanosec: (k % 10) * 100_000_000 },
    sourceName: `frame-${k}`,
    rgb: { bytes: encode({ width: 4, height: 3, data: rgb, channels: 3, depth: 8 }), extension: 'png' },
    depthPng: encode({ width: 4, height: 3, data: depth, channels: 1, depth: 16 }),
    worldFromCamera: [1, 0, 0, k, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  }
}
