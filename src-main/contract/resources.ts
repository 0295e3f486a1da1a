/**
 * URL paths of binary resources (frames, score maps, map chunks). Big arrays never travel as JSON:
 * the renderer fetches these paths through its transport's `dataUrl()`.
 */
export const dataPrefix = '/data/'

/**
 * Request header saying a data request is background work (the Player's neighbour prefetch): the
 * server serves the frames a person asked for first. Absent = foreground.
 */
export const dataPriorityHeader = 'x-dve-priority'
export const backgroundPriority = 'background'

export const resourcePaths = {
  sessionThumbnail: (sessionId: string) => `${dataPrefix}sessions/${enc(sessionId)}/thumbnail`,
  /**
   * rgb: the stored JPEG/PNG bytes; depth and labels: raw uint16 "DV16" payloads (frame-payloads.ts);
   * bundle: all three in one response (frame-bundle.ts), what the Player fetches.
   */
  frameImage: (sessionId: string, frameIndex: number, kind: 'rgb' | 'depth' | 'labels' | 'bundle') =>
    `${dataPrefix}sessions/${enc(sessionId)}/frames/${frameIndex}/${kind}`,
  /** Segmentation class-map and top-2 bytes (see FrameSegmentation). */
  segmentationPayload: (token: string) => `${dataPrefix}segmentation/${enc(token)}`,
  /** Ask heatmap bytes (see FrameHeatmap.heatmapPath). */
  queryHeatmap: (token: string) => `${dataPrefix}query/heatmaps/${enc(token)}`,
  /** PNG: the first three principal components of a frame's embeddings (active model). */
  framePca: (sessionId: string, frameIndex: number) => `${dataPrefix}inference/${enc(sessionId)}/${frameIndex}/pca`,
  /** The session's current map as a DVM1 voxel payload (map.ts). */
  mapPoints: (sessionId: string) => `${dataPrefix}maps/${enc(sessionId)}/points`,
  /** Uint8 relevancy per voxel of a map query. */
  mapRelevancy: (sessionId: string, token: string) => `${dataPrefix}maps/${enc(sessionId)}/relevancy/${enc(token)}`,
  /** Uint16 class index per voxel of a class-set segmentation of the map. */
  mapClasses: (sessionId: string, token: string) => `${dataPrefix}maps/${enc(sessionId)}/classes/${enc(token)}`,
  /** One frame's depth as a DVM1 voxel payload (1 cm, camera frame): sessions without poses. */
  mapFramePoints: (sessionId: string, frameIndex: number) =>
    `${dataPrefix}maps/${enc(sessionId)}/frames/${frameIndex}/points`,
  /** PLY download of the map (`?relevancy=<token>` adds a query's relevancy). */
  mapPly: (sessionId: string) => `${dataPrefix}maps/${enc(sessionId)}/ply`,
  /** A frame's painted labels: raw little-endian uint16 (class index + 1, 0 = unlabelled), camera size. */
  labelMask: (sessionId: string, classSetId: string, frameIndex: number) =>
    `${dataPrefix}classes/labels/${enc(sessionId)}/${enc(classSetId)}/${frameIndex}`,
  /** A frame's ground truth as class indices of a class set: raw little-endian uint16, 65535 = void or not in the set. */
  groundTruthClasses: (sessionId: string, classSetId: string, frameIndex: number) =>
    `${dataPrefix}classes/ground-truth/${enc(sessionId)}/${enc(classSetId)}/${frameIndex}`,
}

function enc(id: string): string {
  return encodeURIComponent(id)
}
