/** What the view and the CLI are told about a loaded map (MapInfo). */
import { resourcePaths, type MapInfo } from '../../contract'
import type { LoadedMap } from './loaded-map'
import { perVoxelBytes } from './map-file'

export function mapInfo(loaded: LoadedMap): MapInfo {
  const { meta } = loaded.map
  const centers: number[] = []
  for (const m of meta.trajectory.worldFromCamera) centers.push(m[3]!, m[7]!, m[11]!)
  return {
    sessionId: meta.sessionId,
    modelId: meta.modelId,
    voxelSizeMeters: meta.voxelSizeMeters,
    maxDepthMeters: meta.maxDepthMeters,
    voxelCount: loaded.map.count,
    framesFused: meta.framesFused,
    frameCount: meta.frameCount,
    complete: meta.complete,
    bounds: loaded.bounds,
    embeddingDim: meta.embeddingDim,
    codeDim: loaded.map.codes?.pca.components ?? 0,
    bytesPerVoxel: perVoxelBytes(loaded.map),
    labelClasses: meta.labelClasses,
    trajectory: {
      frameIndices: meta.trajectory.frameIndices,
      centersMeters: centers,
      worldFromCamera: meta.trajectory.worldFromCamera,
    },
    camera: meta.camera,
    warnings: meta.warnings,
    updatedAt: meta.updatedAt,
    pointsPath: `${resourcePaths.mapPoints(meta.sessionId)}?v=${encodeURIComponent(meta.updatedAt)}`,
  }
}
