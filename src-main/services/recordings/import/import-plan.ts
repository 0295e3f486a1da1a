/**
 * What a format reader hands the shared session writer: intrinsics, depth convention and a list of
 * frames whose images are files or lazily loaded pixels (MCAP). Readers only parse metadata; the
 * writer decodes and validates every image once.
 */
import type {
  DepthEncodingId,
  FrameRotation,
  DetectedFormat,
  ImportOptions,
  LabelClass,
  PinholeIntrinsics,
  PoseConventionId,
  SessionFormatId,
  SkippedFrame,
} from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import type { SourceTree } from './source-tree'

/** Pixels a loader produced: encoded image bytes, raw 8-bit RGB, or raw depth in the plan's unit. */
export type LoadedImage =
  | { kind: 'encoded'; bytes: Uint8Array; extension: 'png' | 'jpg' }
  | { kind: 'rgb8'; width: number; height: number; data: Uint8Array }
  | { kind: 'depth16'; width: number; height: number; data: Uint16Array }

/** Where a frame's image comes from; `turn` is the clockwise turn the orientation decision applies when decoding. */
export type ImageSource = (
  { kind: 'file'; path: string } | { kind: 'loaded'; label: string; load: () => Promise<LoadedImage> }
) & { turn?: FrameRotation }

export interface LabelMapping {
  classes: LabelClass[]
  idOfValue: ReadonlyMap<number, number>
}

export interface PlannedFrame {
  sourceName: string
  /** Seconds in the source's clock, or null where the source has none (then 30 Hz is assumed). */
  timestampSec: number | null
  rgb: ImageSource
  depth: ImageSource
  /** Row-major 4×4 as the source stores it (the plan's `poseConvention`); null when the source has no pose for this frame. */
  worldFromCamera: number[] | null
  /** Ground-truth label image (grey PNG) mapped through the plan's `labels`. */
  labels?: ImageSource
  /** The file (and line) the pose came from, for reports about a bad pose. */
  poseOrigin?: { file: string; line?: number }
}

export interface ImportPlan {
  /** Intrinsics of the depth image, or null when the source has none (the writer assumes some). */
  camera: PinholeIntrinsics | null
  /** Image size `camera` refers to when it is not the depth image's (ARKit colour intrinsics): the writer scales. */
  cameraSize?: { width: number; height: number; of: string }
  /** How the source stores poses (default camera→world, OpenCV axes); checked against the data. */
  poseConvention?: Exclude<PoseConventionId, 'none'>
  /** Better guess than the generic one when `camera` is null (e.g. the sensor's usual values). */
  fallbackCamera?: { camera: PinholeIntrinsics; why: string }
  /** The format's depth convention; the depth-plausibility check confirms it against the data. */
  depthUnitMeters: number
  depthInvalidValues: number[]
  depthEncoding: DepthEncodingId
  /** Where the depth convention comes from and whether the source states it (default: the format's spec, stated). */
  depthConvention?: { source: string; stated: boolean }
  frames: PlannedFrame[]
  /** Frames the reader already rejected (missing files, unparseable lines). */
  issues: SkippedFrame[]
  warnings: string[]
  /** Label classes and how raw label-image values map to their ids (others become 0, void). */
  labels?: LabelMapping
  /** Releases what the loaders hold open (an MCAP file), after the session is written. */
  close?: () => Promise<void>
}

export interface Detection {
  confidence: number
  reason: string
  frameCount: number | null
  needs: Array<'intrinsics' | 'depthUnitMeters'>
  topics?: DetectedFormat['topics']
}

export interface FormatReader {
  format: SessionFormatId
  label: string
  detect(tree: SourceTree): Promise<Detection | null>
  plan(tree: SourceTree, options: ImportOptions, ctx: JobContext): Promise<ImportPlan>
}
