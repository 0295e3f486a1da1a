/** Messages between the PNG decoding pool and its worker threads. */
import type { WireError } from '../../contract'

export interface DecodedPng {
  width: number
  height: number
  /** 1 grey or palette index, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: number
  /** Bits per sample as stored: 1, 2, 4, 8 or 16. */
  depth: number
  /** Samples, row-major, interleaved; 16-bit files give Uint16Array. */
  data: Uint8Array | Uint16Array
}

export type PngDecodeRequest = { id: number; bytes: Uint8Array }
export type PngDecodeReply = { id: number; ok: true; image: DecodedPng } | { id: number; ok: false; error: WireError }
