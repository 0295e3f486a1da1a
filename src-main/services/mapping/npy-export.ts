/** `.npy` (NumPy format 1.0) of the map's voxel embeddings as float32 (count, dim), C order. */
import { ConsoleError } from '../../contract'
import { decodeEmbedding } from './embedding-codec'
import type { FusedMap } from './fused-map'

export function encodeEmbeddingsNpy(map: FusedMap): Uint8Array {
  if (!map.codes)
    throw new ConsoleError(
      'unsupported',
      `The map of "${map.meta.sessionId}" has no embeddings (built without a model pack); there is nothing to write as .npy.`,
    )
  const dim = map.codes.pca.dim
  const values = new Float32Array(map.count * dim)
  const row = new Float32Array(dim)
  for (let i = 0; i < map.count; i++) {
    decodeEmbedding(map.codes, i, row)
    values.set(row, i * dim)
  }
  return npyFloat32(values, [map.count, dim])
}

export function npyFloat32(values: Float32Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  // Magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'
  const head = new TextEncoder().encode(header)
  const bytes = new Uint8Array(10 + head.length + values.byteLength)
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0])
  new DataView(bytes.buffer).setUint16(8, head.length, true)
  bytes.set(head, 10)
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + head.length)
  return bytes
}
