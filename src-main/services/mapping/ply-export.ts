/**
 * PLY export of a map: binary little-endian, one vertex per voxel with position, colour, class,
 * relevancy and point count, so CloudCompare/MeshLab/Open3D open it and can colour by any field.
 */
import type { FusedMap } from './fused-map'

const vertexBytes = 12 + 3 + 2 + 4 + 4

/** `relevancy`: one value in [0, 1] per voxel, or null (then 0). */
export function encodePly(map: FusedMap, relevancy: Float32Array | null): Uint8Array {
  const classNames = map.meta.labelClasses.map((c) => `${c.id}=${c.name.replace(/\s+/g, '_')}`).join(' ')
  const header = [
    'ply',
    'format binary_little_endian 1.0',
    `comment DVE Console map of session ${map.meta.sessionId}, model ${map.meta.modelId ?? 'none'}, voxel ${map.meta.voxelSizeMeters} m`,
    ...(classNames ? [`comment classes ${classNames}`] : []),
    `element vertex ${map.count}`,
    'property float x',
    'property float y',
    'property float z',
    'property uchar red',
    'property uchar green',
    'property uchar blue',
    'property ushort class',
    'property float relevancy',
    'property uint count',
    'end_header',
    '',
  ].join('\n')
  const head = new TextEncoder().encode(header)
  const bytes = new Uint8Array(head.length + map.count * vertexBytes)
  bytes.set(head)
  const view = new DataView(bytes.buffer)
  let o = head.length
  for (let i = 0; i < map.count; i++) {
    view.setFloat32(o, map.positions[i * 3]!, true)
    view.setFloat32(o + 4, map.positions[i * 3 + 1]!, true)
    view.setFloat32(o + 8, map.positions[i * 3 + 2]!, true)
    bytes[o + 12] = map.colors[i * 4]!
    bytes[o + 13] = map.colors[i * 4 + 1]!
    bytes[o + 14] = map.colors[i * 4 + 2]!
    view.setUint16(o + 15, map.labels[i]!, true)
    view.setFloat32(o + 17, relevancy ? relevancy[i]! : 0, true)
    view.setUint32(o + 21, map.pointCounts[i]!, true)
    o += vertexBytes
  }
  return bytes
}
