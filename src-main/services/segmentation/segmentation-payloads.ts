/** Byte layouts of the class-map and top-2 payloads (described in contract/segmentation.ts). */
import type { Top2Planes } from './top2-classifier'

/** uint8 indices when every class fits in a byte, uint16 otherwise. */
export function bytesPerIndex(classCount: number): 1 | 2 {
  return classCount <= 256 ? 1 : 2
}

export function encodeClassMap(indices: Uint16Array, classCount: number): Uint8Array {
  if (bytesPerIndex(classCount) === 1) return Uint8Array.from(indices)
  return littleEndianUint16(indices)
}

export function encodeTop2(planes: Top2Planes): Uint8Array {
  const pixels = planes.width * planes.height
  const out = new Uint16Array(5 * pixels)
  out.set(planes.winner, 0)
  out.set(planes.runnerUp, pixels)
  for (let p = 0; p < pixels; p++) {
    out[2 * pixels + p] = Math.round(65535 * (planes.winnerScore[p] as number))
    out[3 * pixels + p] = Math.round(65535 * (planes.runnerUpScore[p] as number))
    out[4 * pixels + p] = Math.round(32767.5 * (Math.min(1, Math.max(-1, planes.winnerCosine[p] as number)) + 1))
  }
  return littleEndianUint16(out)
}

function littleEndianUint16(values: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 2)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setUint16(2 * i, values[i] as number, true)
  return bytes
}
