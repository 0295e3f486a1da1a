/** Writes little-endian float32, C-order `.npy` files (numpy format 1.0), atomically. */
import { writeFileAtomic } from '../../platform/atomic-write'

export function encodeNpyFloat32(data: Float32Array, shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`
  // Magic (6) + version (2) + length (2) + header + newline must be a multiple of 64 bytes.
  const padding = 64 - ((10 + header.length + 1) % 64)
  header = `${header}${' '.repeat(padding % 64)}\n`
  const out = new Uint8Array(10 + header.length + data.byteLength)
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0], 0)
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(Buffer.from(header, 'latin1'), 10)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length)
  return out
}

export async function writeNpyFloat32(path: string, data: Float32Array, shape: number[]): Promise<void> {
  await writeFileAtomic(path, encodeNpyFloat32(data, shape))
}
