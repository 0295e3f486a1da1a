/** Messages between the map service and the fusion worker (structured clone, arrays transferred). */
import type { WireError } from '../../contract'
import type { FusionFrame, FusionStats } from './frame-fusion'
import type { FusedMap, FusedMapMeta } from './fused-map'
import type { FusionInit } from './fusion-engine'

export type FusionRequest =
  | { id: number; type: 'init'; init: FusionInit }
  | { id: number; type: 'fuse'; frame: FusionFrame }
  | { id: number; type: 'snapshot'; meta: FusedMapMeta; withCodes: boolean; final: boolean }

export type FusionReply =
  | { id: number; ok: true; type: 'init' }
  | { id: number; ok: true; type: 'fuse'; stats: FusionStats & { voxelCount: number } }
  | { id: number; ok: true; type: 'snapshot'; map: FusedMap }
  | { id: number; ok: false; error: WireError }

/** The buffers of a map, for the transfer list. */
export function mapBuffers(map: FusedMap): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [
    map.voxelCoords,
    map.positions,
    map.colors,
    map.labels,
    map.pointCounts,
    map.covariances,
    map.framesSeen,
    map.observations,
    map.embeddingWeights,
  ]
  if (map.codes) arrays.push(map.codes.codes, map.codes.scales, map.codes.pca.mean, map.codes.pca.basis)
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]
}
