/**
 * Recording import: options a person can set, the formats detected in a folder and the report of an
 * import (also saved as `import-report.json` in the session). The `sessions` service exposes them.
 */
import { z } from 'zod'
import { sessionFormatIds, type SessionFormatId } from './session-manifest'
import { depthEncodingIds, frameRotationSchema, importDecisionsSchema } from './import-decisions'

export * from './import-decisions'
import { displayName } from './display-name'

const positiveFinite = z.number().positive().refine(Number.isFinite, 'must be a finite number')

export const pinholeIntrinsicsSchema = z.object({
  fx: z.number().refine((v) => Number.isFinite(v) && v !== 0, 'must be a finite non-zero number'),
  fy: z.number().refine((v) => Number.isFinite(v) && v !== 0, 'must be a finite non-zero number'),
  cx: z.number().refine(Number.isFinite, 'must be a finite number'),
  cy: z.number().refine(Number.isFinite, 'must be a finite number'),
})
export type PinholeIntrinsics = z.infer<typeof pinholeIntrinsicsSchema>

export const mcapImportOptionsSchema = z.object({
  /** Topic of the colour images (sensor_msgs/msg/Image or CompressedImage); default: detected. */
  rgbTopic: z.string().min(1).optional(),
  /** Topic of the depth images (16UC1 or 32FC1); default: detected. */
  depthTopic: z.string().min(1).optional(),
  /** sensor_msgs/msg/CameraInfo topic of the depth camera; default: detected. */
  cameraInfoTopic: z.string().min(1).optional(),
  /** tf frame used as the world; default: the root of the tf tree. */
  worldFrame: z.string().min(1).optional(),
})

export const importOptionsSchema = z.object({
  /** Read the source as this format instead of the best detected one. */
  format: z.enum(sessionFormatIds).optional(),
  /** Session name; default: the source folder's name. */
  name: displayName(200).optional(),
  /** Metres per raw depth unit, overriding the format's convention (e.g. 0.001 for mm). */
  depthUnitMeters: positiveFinite.optional(),
  /** Raw depth values that mean "no depth", replacing the format's list. */
  depthInvalidValues: z.array(z.number().int().min(0).max(65535)).max(16).optional(),
  /** Intrinsics of the depth image, overriding what the source says (or the assumed ones). */
  intrinsics: pinholeIntrinsicsSchema.optional(),
  /** Pose file inside the source to use where several exist (e.g. Redwood "odometry.log"). */
  poseFile: z.string().min(1).max(1000).optional(),
  /** Largest colour–depth(–pose) timestamp difference when associating by time (TUM, MCAP). */
  maxTimeDifferenceSec: z.number().positive().max(10).optional(),
  /** How raw depth samples are laid out (byte-swapped, bit-rotated, Kinect disparity …); default: decided from the data. */
  depthEncoding: z.enum(depthEncodingIds).optional(),
  /** Pose convention of the source, overriding the overlap check of consecutive frames. */
  poseConvention: z
    .enum(['camera-to-world', 'world-to-camera', 'camera-to-world-opengl', 'world-to-camera-opengl', 'none'])
    .optional(),
  /** Clockwise turn of every frame (colour, depth, labels; intrinsics and poses follow), overriding the orientation check. */
  rotation: frameRotationSchema.optional(),
  /** Byte order of 16-bit PGM depth; "auto" picks the one whose values are plausible depths. */
  pgmByteOrder: z.enum(['auto', 'big', 'little']).optional(),
  mcap: mcapImportOptionsSchema.optional(),
})
export type ImportOptions = z.input<typeof importOptionsSchema>
export type McapImportOptions = z.infer<typeof mcapImportOptionsSchema>

/** One format a source folder (or file) looks like, best first in `detect`. */
export interface DetectedFormat {
  format: SessionFormatId
  /** Human name of the layout, e.g. "TUM RGB-D (rgb.txt, depth.txt)". */
  label: string
  /** 0..1: how sure the detector is. */
  confidence: number
  /** Which files made the detector decide, for the UI. */
  reason: string
  /** Frames the source appears to hold, or null when unknown before reading. */
  frameCount: number | null
  /** What the person should set in ImportOptions because the source does not say (e.g. "intrinsics"). */
  needs: Array<'intrinsics' | 'depthUnitMeters'>
  /** MCAP only: the file's topics with their message types, to choose colour/depth/camera-info topics. */
  topics?: Array<{ topic: string; schemaName: string; messageCount: number | null }>
}

export const skippedFrameSchema = z.object({
  /** Frame id in the source (timestamp, file stem, message index). */
  sourceName: z.string(),
  /** The file (or MCAP topic) at fault. */
  file: z.string(),
  /** 1-based line for text files. */
  line: z.number().int().positive().optional(),
  reason: z.string(),
})
export type SkippedFrame = z.infer<typeof skippedFrameSchema>

export const importReportSchema = z.object({
  sessionId: z.string(),
  name: z.string(),
  format: z.enum(sessionFormatIds),
  sourcePath: z.string(),
  imported: z.number().int().nonnegative(),
  skipped: z.array(skippedFrameSchema),
  warnings: z.array(z.string()),
  durationSec: z.number().nonnegative(),
  /** True when the source had no intrinsics and the importer assumed some (a warning says which). */
  intrinsicsAssumed: z.boolean(),
  depthUnitMeters: z.number().positive(),
  /** How 16-bit PGM depth was read, when the source had PGM depth. */
  pgmByteOrder: z.enum(['big', 'little']).nullable(),
  /** Depth, intrinsics, pose and order decisions with their reasons (absent in reports of older imports). */
  decisions: importDecisionsSchema.optional(),
})
export type ImportReport = z.infer<typeof importReportSchema>
