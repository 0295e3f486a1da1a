/**
 * The recording library (`sessions` service): list, inspect, rename, delete and import sessions,
 * browse the allowed folders of the machine that runs the services, and per-frame metadata.
 * Frame pixels come over the data plane (`resourcePaths.frameImage`, payloads in frame-payloads.ts).
 */
import { z } from 'zod'
import { method } from './rpc'
import type { SessionFormatId, SessionManifest } from './session-manifest'
import { importOptionsSchema, type DetectedFormat, type ImportPreview, type ImportReport } from './import'
import { displayName } from './display-name'

/** One row of the library: what the Library view and `dve sessions` show. */
export interface SessionSummary {
  id: string
  name: string
  sourceFormat: SessionFormatId
  sourcePath: string
  createdAt: string
  frameCount: number
  /** Last frame's timestamp minus the first's. */
  durationSec: number
  /** Depth (camera) image size in pixels. */
  width: number
  height: number
  rgbWidth: number
  rgbHeight: number
  depthUnitMeters: number
  hasPoses: boolean
  /** Frames with a worldFromCamera pose. */
  posedFrameCount: number
  /** False when the importer had to assume intrinsics (its report says so). */
  hasIntrinsics: boolean
  hasLabels: boolean
  sizeBytes: number
  /** Built-in sessions (the demo) cannot be renamed or deleted. */
  readOnly: boolean
}

export interface SessionDetail {
  summary: SessionSummary
  manifest: SessionManifest
  /** The import report saved with the session, or null (built-in sessions have none). */
  report: ImportReport | null
}

/** Depth statistics over a sample of frames, for `dve info` and the Player's default colour range. */
export interface SessionStats {
  id: string
  sampledFrames: number
  /** Valid-depth range in metres over the sampled frames; null when no valid depth was found. */
  depthRangeMeters: { min: number; max: number; p02: number; p98: number } | null
  /** Median of the valid depth over the sampled frames, metres; null when none is valid. */
  depthMedianMeters: number | null
  /** Fraction of depth pixels that are valid in the sampled frames. */
  validDepthFraction: number
  poseCoverage: number
}

export interface FrameMeta {
  index: number
  timestampSec: number
  sourceName: string
  rgbFile: string
  depthFile: string
  labelsFile: string | null
  worldFromCamera: number[] | null
}

export interface BrowseEntry {
  name: string
  path: string
  kind: 'dir' | 'file'
  sizeBytes: number | null
}

export interface BrowseListing {
  /** Absolute folder listed, or null for the list of roots. */
  path: string | null
  /** Parent folder inside the allowed roots, or null at a root. */
  parent: string | null
  roots: string[]
  entries: BrowseEntry[]
}

/** One place a session's data lives (the recording, caches, maps, labels), for the delete confirmation. */
export interface SessionDataPart {
  what: string
  path: string
  bytes: number
}

export interface SessionDeletePreview {
  id: string
  name: string
  parts: SessionDataPart[]
  totalBytes: number
}

export interface ImportStarted {
  jobId: string
}

const sessionId = z.string().min(1).max(80)
const absolutePath = z.string().min(1).max(4096)

export const sessionsSpec = {
  list: method<SessionSummary[]>()(z.void()),
  get: method<SessionDetail>()(z.object({ id: sessionId })),
  stats: method<SessionStats>()(
    z.object({ id: sessionId, sampleFrames: z.number().int().min(1).max(1000).optional() }),
  ),
  rename: method<SessionSummary>()(z.object({ id: sessionId, name: displayName(200) })),
  /** What `delete` removes, with sizes, so the confirmation can name them. */
  deletePreview: method<SessionDeletePreview>()(z.object({ id: sessionId })),
  /** Removes the session and everything derived from it (caches, query indexes, maps, labels). */
  delete: method<{ deleted: boolean }>()(z.object({ id: sessionId })),
  frame: method<FrameMeta>()(z.object({ id: sessionId, index: z.number().int().nonnegative() })),
  browse: method<BrowseListing>()(
    z.object({ path: absolutePath.nullable().optional(), showHidden: z.boolean().optional() }),
  ),
  detect: method<DetectedFormat[]>()(z.object({ path: absolutePath })),
  /** What an import would decide (depth reading, intrinsics, poses, order) and the first frame, without writing anything. */
  preview: method<ImportPreview>()(z.object({ path: absolutePath, options: importOptionsSchema.optional() })),
  /** Starts an import job; progress comes as `job` events, the report from `importReport`. */
  import: method<ImportStarted>()(z.object({ path: absolutePath, options: importOptionsSchema.optional() })),
  /** Waits for an import job and returns its report (throws the job's error if it failed). */
  importReport: method<ImportReport>()(z.object({ jobId: z.string().min(1) })),
}
