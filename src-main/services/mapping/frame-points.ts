/** One frame's points in its camera frame (x right, y down, z forward), voxelised at 1 cm: the Player's pixel → 3D view. */
import type { LoadedFrame } from '../ports'
import { LocalFusion } from './fusion-engine'
import { LoadedMap } from './loaded-map'

/** Voxel size of a single frame's point cloud: fine enough to look like the depth image. */
const singleFrameVoxelMeters = 0.01

export function framePoints(sessionId: string, frame: LoadedFrame): Uint8Array {
  const frameIndex = frame.frameIndex
  const fusion = new LocalFusion({
    voxelSizeMeters: singleFrameVoxelMeters,
    maxDepthMeters: 20,
    embeddingDim: 0,
    restore: null,
  })
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
  fusion.fuseNow({
    frameIndex,
    camera: frame.camera,
    depthMeters: frame.depthMeters.data,
    rgb: frame.rgb.data,
    labels: null,
    worldFromCamera: identity,
    embeddings: null,
  })
  const map = fusion.snapshotNow(
    {
      sessionId,
      modelId: null,
      voxelSizeMeters: singleFrameVoxelMeters,
      maxDepthMeters: 20,
      frameStep: 1,
      nextFrame: frameIndex + 1,
      framesFused: 1,
      frameCount: 1,
      complete: true,
      embeddingDim: 0,
      labelClasses: [],
      camera: frame.camera,
      trajectory: { frameIndices: [frameIndex], worldFromCamera: [identity] },
      warnings: [],
      updatedAt: new Date().toISOString(),
    },
    false,
  )
  return new LoadedMap(map).points()
}
