/**
 * Interfaces between services, so each area can be built and tested on its own and wired together
 * only in create-services.ts. Frames and units are in the names.
 */

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

/** A depth image in metres (0 or NaN = invalid), row-major. */
export interface DepthImageMeters {
  width: number
  height: number
  data: Float32Array
}

/** Pinhole intrinsics of the depth image. */
export interface CameraIntrinsics {
  width: number
  height: number
  fx: number
  fy: number
  cx: number
  cy: number
}

/** One frame as the model, the map and the views consume it. */
export interface LoadedFrame {
  sessionId: string
  frameIndex: number
  timestampSec: number
  rgb: RgbImage
  depthMeters: DepthImageMeters
  camera: CameraIntrinsics
  /** Row-major 4×4, camera (OpenCV) → world, or null. */
  worldFromCamera: number[] | null
}

/** Reads frames of stored sessions (implemented by the recordings service). */
export interface FrameReader {
  frameCount(sessionId: string): Promise<number>
  loadFrame(sessionId: string, frameIndex: number): Promise<LoadedFrame>
  /** Ground-truth label mask (values index the session's labelClasses), or null when the frame has none. */
  loadLabels(
    sessionId: string,
    frameIndex: number,
  ): Promise<{ width: number; height: number; data: Uint16Array } | null>
}

/**
 * Per-pixel embeddings at the model's output stride, L2-normalised, pixel-major (HWC):
 * pixel (x, y) owns data[(y * width + x) * dim … + dim).
 */
export interface EmbeddingMap {
  dim: number
  width: number
  height: number
  /** Input pixels per output pixel relative to the *camera* image: cameraWidth / width. */
  scaleX: number
  scaleY: number
  data: Float32Array
  /** The fp16 values `data` decodes from, when the map was read so: a reader visiting every value once reads these. */
  halves?: Uint16Array
}

/** Embeddings from the active model pack (implemented by the inference service). */
export interface EmbeddingProvider {
  /**
   * Runs the model (or reads the cache) for one frame. `background`: work nobody waits on frame by
   * frame (a map build); what a view waits on overtakes it in the model's queue.
   */
  frameEmbeddings(
    sessionId: string,
    frameIndex: number,
    signal?: AbortSignal,
    options?: { background?: boolean },
  ): Promise<EmbeddingMap>
  /** L2-normalised text embeddings, prompt template applied. One row of `dim` per text. */
  textEmbeddings(texts: string[]): Promise<Float32Array[]>
  /** Identity of the active model (cache keys, map files); null when none is loaded. */
  activeModelId(): string | null
}

/** Scores of every output pixel against K vectors, channel-major: scores[k * width * height + y * width + x]. */
export interface ScoreMaps {
  count: number
  width: number
  height: number
  scaleX: number
  scaleY: number
  scores: Float32Array
}

/** Cosine scoring at the output stride (implemented by the inference service, ORT MatMul in the worker). */
export interface FrameScorer {
  /** `vectors`: K rows of the model's dim, L2-normalised; `bias` optional per-row offsets (linear probe). */
  scoreFrame(
    sessionId: string,
    frameIndex: number,
    vectors: Float32Array[],
    bias?: Float32Array | null,
    signal?: AbortSignal,
  ): Promise<ScoreMaps>
}

export type SegmentationMode = 'text' | 'mean' | 'probe'

/** The vectors a class set scores pixels against in one mode (implemented by the classes service). */
export interface ClassHead {
  classSetId: string
  mode: SegmentationMode
  names: string[]
  colors: Array<[number, number, number]>
  /** One L2-normalised row per class (probe rows are the raw weights). */
  weights: Float32Array[]
  bias: Float32Array | null
}

export interface ClassHeadProvider {
  classHead(classSetId: string, mode: SegmentationMode): Promise<ClassHead>
}

/** The class sets segmentation can use, with the modes each supports (implemented by the classes service). */
export interface ClassSetCatalog {
  classSets(): Promise<Array<{ id: string; name: string; classCount: number; modes: SegmentationMode[] }>>
}

/** A place in a session's fused 3D map that matches a query. */
export interface MapQueryHit {
  /** World coordinates in metres. */
  worldPoint: [number, number, number]
  /** Best relevancy of the pinned cluster. */
  relevancy: number
  voxelCount: number
  /** The ground-truth class of the pinned voxels (e.g. "sofa"), or null. */
  nearLabel: string | null
  /** Another recognised thing beside it, in words ("the blue door"), or null. */
  nearby: string | null
}

/** A query as the scoring module prepared it: the map decides with the same vectors and rule. */
export interface PreparedMapQuery {
  vector: Float32Array
  negatives: Float32Array[]
  negativesKey: string
  temperature: number
  threshold: number
}

/** Queries the fused map (implemented by the mapping service). */
export interface MapQueryPort {
  /** The best pin that passes the query's threshold; null where the session has no map or the map does not hold it. */
  queryMap(sessionId: string, query: PreparedMapQuery): Promise<MapQueryHit | null>
}

/** What the active pack does to a text before embedding it (implemented by the inference service). */
export interface PromptTemplateSource {
  /** e.g. "a detailed photo of a {}", or null when no pack is loaded. */
  promptTemplate(): string | null
}

/** The active model pack as the other areas need it (implemented by the models service). */
export interface ActiveModelPack {
  /** Pack folder name. */
  id: string
  /** Absolute pack folder; manifest paths (e.g. `classSets`) are relative to it. */
  dir: string
  manifest: import('../contract').ModelManifest
}

export interface ModelPackProvider {
  /** The chosen pack (its manifest is valid), or null when there is none. */
  activePack(): ActiveModelPack | null
  /** Called after the active pack changed; returns the unsubscribe function. */
  onActivePackChanged(listener: (pack: ActiveModelPack | null) => void): () => void
}

/** The best of K rows per output pixel: an argmax class map with its scores. */
export interface ClassMap {
  count: number
  width: number
  height: number
  scaleX: number
  scaleY: number
  /** Row index (0..count-1) of the best score per pixel, row-major. */
  classIndex: Uint16Array
  /** That best score (cosine, + bias for probes). */
  bestScore: Float32Array
}

/** Argmax class maps at the output stride (implemented by the inference service, ORT ArgMax in the worker). */
export interface FrameClassifier {
  classifyFrame(
    sessionId: string,
    frameIndex: number,
    vectors: Float32Array[],
    bias?: Float32Array | null,
    signal?: AbortSignal,
  ): Promise<ClassMap>
}
