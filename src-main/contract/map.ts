/**
 * The fused 3D map (`map` service): build a sparse voxel map of a posed session (geometry, colour,
 * ground-truth labels and compressed per-voxel embeddings), query it in words, inspect a voxel's
 * frames, export PLY / .npy. Voxel arrays travel as one binary payload (layout below), never JSON.
 */
import { z } from 'zod'
import { method } from './rpc'
import { querySettingsSchema, type QueryWords } from './query'
import type { LabelClass } from './session-manifest'
import { segmentationModes, type SegmentationModeName } from './segmentation'

export const defaultVoxelSizeMeters = 0.05
export const mapColorModes = ['rgb', 'class', 'relevancy', 'pca', 'height'] as const
export type MapColorMode = (typeof mapColorModes)[number]

const sessionId = z.string().min(1).max(120)

export const mapBuildOptionsSchema = z.object({
  sessionId,
  /** Edge of a voxel in metres. Below 5 mm the map of a room no longer fits in memory. */
  voxelSizeMeters: z
    .number()
    .min(0.005, 'voxel size must be at least 0.005 m')
    .max(1, 'voxel size must be at most 1 m')
    .default(defaultVoxelSizeMeters),
  /** Depth beyond this is not fused (far Kinect depth is noisy and smears the map). */
  maxDepthMeters: z.number().positive().max(100).default(6),
  /** Fuse only geometry and colour, even when a model pack is active. */
  geometryOnly: z.boolean().default(false),
  /** Continue a build that was interrupted (same voxel size and model) instead of starting again. */
  resume: z.boolean().default(true),
  /** Fuse every n-th frame. */
  frameStep: z.number().int().min(1).max(1000).default(1),
})
export type MapBuildOptions = z.infer<typeof mapBuildOptionsSchema>

export interface MapBounds {
  minMeters: [number, number, number]
  maxMeters: [number, number, number]
}

/** What the map view, `dve map info` and the Ask answer need to know about a saved map. */
export interface MapInfo {
  sessionId: string
  /** The model pack whose embeddings were fused, or null for a geometry-only map. */
  modelId: string | null
  voxelSizeMeters: number
  maxDepthMeters: number
  voxelCount: number
  framesFused: number
  /** Frames of the session the build covers (a resumed build continues after framesFused). */
  frameCount: number
  complete: boolean
  bounds: MapBounds | null
  /** Embedding dimension of the model (0 for geometry only) and of the stored PCA code. */
  embeddingDim: number
  codeDim: number
  /** On-disk bytes per voxel, geometry and code included. */
  bytesPerVoxel: number
  labelClasses: LabelClass[]
  /** Camera centres of the fused frames in world metres, [x, y, z, x, y, z, …], and their frame indices. */
  trajectory: { frameIndices: number[]; centersMeters: number[]; worldFromCamera: number[][] }
  /** Depth intrinsics, for drawing frustums. */
  camera: { width: number; height: number; fx: number; fy: number; cx: number; cy: number }
  warnings: string[]
  updatedAt: string
  /** The voxel payload (layout: see `decodeMapPoints`). */
  pointsPath: string
}

export interface MapStatus {
  sessionId: string
  hasPoses: boolean
  /** Frames with a pose; a session without poses offers single-frame point clouds only. */
  posedFrameCount: number
  frameCount: number
  /** The saved map for the active model (or the geometry map), or null. */
  map: MapInfo | null
  /** The running build job, if any. */
  buildJobId: string | null
  /** Why the saved map could not be read (e.g. a damaged file); building again replaces it. */
  problem: string | null
}

export interface MapPinInfo {
  /** On a voxel of the cluster, near its relevancy-weighted centre. */
  worldPoint: [number, number, number]
  /** Largest extent of the cluster's bounding box (for framing it). */
  sizeMeters: number
  /** Best relevancy of the cluster. */
  relevancy: number
  voxelCount: number
  /** Most frequent ground-truth class of the cluster's voxels, or null. */
  nearLabel: string | null
  /** Another recognised thing beside it ("the blue door"), or null. */
  nearby: string | null
}

export interface MapQueryResult {
  label: string
  /** The decision rule (the same one Ask uses): voxels at or above `threshold` at `temperature`. */
  threshold: number
  temperature: number
  /** Unknown words and a suggestion; with unknown words the map pins nothing. */
  words: QueryWords
  maxRelevancy: number
  /** Uint8 per voxel (0..255 ↔ relevancy 0..1), in payload order. */
  relevancyPath: string
  pins: MapPinInfo[]
  elapsedMs: number
}

export interface VoxelObservation {
  frameIndex: number
  timestampSec: number
}

export interface VoxelDetail {
  voxelIndex: number
  centerMeters: [number, number, number]
  pointCount: number
  /** Surface normal from the voxel's point covariance (smallest eigenvector), or null when flat-less. */
  normal: [number, number, number] | null
  meanColor: [number, number, number]
  label: string | null
  /** Frames that saw the voxel (a sample of at most a few), and how many did in all. */
  observations: VoxelObservation[]
  observedByFrames: number
}

/** A class set's segmentation of the map: each voxel's best class by its embedding (class-head rows · voxel). */
export interface MapClassColors {
  classSetId: string
  mode: SegmentationModeName
  names: string[]
  colors: Array<[number, number, number]>
  /** Voxels per class. */
  counts: number[]
  /** Uint16 class index per voxel, in payload order. */
  classesPath: string
}

export const mapSpec = {
  status: method<MapStatus>()(z.object({ sessionId })),
  /** Starts (or resumes) a build job; progress comes as `job` events and `changed` {service:'map'}. */
  build: method<{ jobId: string }>()(mapBuildOptionsSchema),
  query: method<MapQueryResult>()(
    z.object({
      sessionId,
      text: z.string().trim().min(1).max(200),
      settings: querySettingsSchema.prefault({}),
      maxPins: z.number().int().min(1).max(20).default(5),
    }),
  ),
  voxel: method<VoxelDetail>()(z.object({ sessionId, voxelIndex: z.number().int().nonnegative() })),
  classColors: method<MapClassColors>()(
    z.object({ sessionId, classSetId: z.string().min(1).max(200), mode: z.enum(segmentationModes) }),
  ),
  /** Writes files on the machine that runs the services (CLI); the UI downloads `mapPly` instead. */
  export: method<{ plyPath: string | null; npyPath: string | null; voxelCount: number }>()(
    z.object({
      sessionId,
      plyPath: z.string().min(1).nullable().default(null),
      npyPath: z.string().min(1).nullable().default(null),
      queryText: z.string().min(1).max(200).nullable().default(null),
      overwrite: z.boolean().default(false),
    }),
  ),
  delete: method<{ deleted: boolean }>()(z.object({ sessionId })),
  /** World point of a pixel (normalised coordinates) of a frame, from its depth and pose: Player → map. */
  pixelToWorld: method<{ worldPoint: [number, number, number] | null }>()(
    z.object({
      sessionId,
      frameIndex: z.number().int().nonnegative(),
      xNorm: z.number().min(0).max(1),
      yNorm: z.number().min(0).max(1),
    }),
  ),
}

/**
 * Voxel payload served at `pointsPath`, little-endian:
 *
 *   bytes 0–3    magic "DVM1"
 *   bytes 4–7    voxel count N (uint32)
 *   bytes 8–11   voxel size in metres (float32)
 *   bytes 12–15  flags (uint32): bit 0 = has PCA colours
 *   then         N×3 float32 voxel means (world metres)
 *                N×4 uint8 RGBA mean colour
 *                N×4 uint8 RGBA of the first three embedding PCA components (zeros without a model)
 *                N uint16 ground-truth label (0 = none), padded to 4 bytes
 */
export const mapPointsMagic = 'DVM1'

export interface MapPoints {
  count: number
  voxelSizeMeters: number
  hasPca: boolean
  positions: Float32Array
  colors: Uint8Array
  pcaColors: Uint8Array
  labels: Uint16Array
}

function payloadBytes(count: number): number {
  return 16 + count * 12 + count * 8 + Math.ceil((count * 2) / 4) * 4
}

export function encodeMapPoints(points: MapPoints): Uint8Array {
  const n = points.count
  const bytes = new Uint8Array(payloadBytes(n))
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) bytes[i] = mapPointsMagic.charCodeAt(i)
  view.setUint32(4, n, true)
  view.setFloat32(8, points.voxelSizeMeters, true)
  view.setUint32(12, points.hasPca ? 1 : 0, true)
  let offset = 16
  bytes.set(new Uint8Array(points.positions.buffer, points.positions.byteOffset, n * 12), offset)
  offset += n * 12
  bytes.set(points.colors.subarray(0, n * 4), offset)
  offset += n * 4
  bytes.set(points.pcaColors.subarray(0, n * 4), offset)
  offset += n * 4
  bytes.set(new Uint8Array(points.labels.buffer, points.labels.byteOffset, n * 2), offset)
  return bytes
}

export function decodeMapPoints(buffer: ArrayBuffer): MapPoints {
  const view = new DataView(buffer)
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength)))
  if (buffer.byteLength < 16 || magic !== mapPointsMagic) throw new Error('Map payload: missing "DVM1" header.')
  const count = view.getUint32(4, true)
  if (buffer.byteLength !== payloadBytes(count))
    throw new Error(`Map payload: ${buffer.byteLength} bytes do not hold ${count} voxels.`)
  let offset = 16
  const positions = new Float32Array(buffer.slice(offset, offset + count * 12))
  offset += count * 12
  const colors = new Uint8Array(buffer.slice(offset, offset + count * 4))
  offset += count * 4
  const pcaColors = new Uint8Array(buffer.slice(offset, offset + count * 4))
  offset += count * 4
  const labels = new Uint16Array(buffer.slice(offset, offset + count * 2))
  return {
    count,
    voxelSizeMeters: view.getFloat32(8, true),
    hasPca: (view.getUint32(12, true) & 1) === 1,
    positions,
    colors,
    pcaColors,
    labels,
  }
}
