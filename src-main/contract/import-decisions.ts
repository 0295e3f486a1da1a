/**
 * What an import decided about a recording and why: depth encoding and unit (checked against what
 * RGB-D sensors produce), intrinsics, pose convention and frame order. The import report keeps them
 * (`dve info`), the preview shows them before anything is written (`dve import --dry-run`).
 */
import { z } from 'zod'

/**
 * How raw depth samples are laid out. `plain`: the value times the unit; `byte-swapped`: 16-bit
 * samples with their two bytes swapped; `circular-shift-3`: rotated left by 3 bits (Princeton APC,
 * SUN RGB-D); `kinect-disparity`: Kinect v1 11-bit raw disparity (2047 = none), `-shifted` the same
 * times 8; `float`: 32-bit float samples (TIFF, EXR, ROS 32FC1).
 */
export const depthEncodingIds = [
  'plain',
  'byte-swapped',
  'circular-shift-3',
  'kinect-disparity',
  'kinect-disparity-shifted',
  'float',
] as const
export type DepthEncodingId = (typeof depthEncodingIds)[number]

/** Clockwise quarter turns an import can apply to a recording's frames (portrait exports, EXIF orientation). */
export const frameRotationSchema = z.literal([0, 90, 180, 270])
export type FrameRotation = z.infer<typeof frameRotationSchema>

export const depthCandidateSchema = z.object({
  encoding: z.enum(depthEncodingIds),
  /** Metres per decoded value (disparity: 1, the conversion is fixed). */
  unitMeters: z.number().positive(),
  /** Median of the valid depth in metres when read this way; null when nothing is valid. */
  medianMeters: z.number().nullable(),
  p02Meters: z.number().nullable(),
  p98Meters: z.number().nullable(),
  validFraction: z.number().min(0).max(1),
  plausible: z.boolean(),
  /** Why it is (not) plausible, in words. */
  why: z.string(),
  /** Higher fits RGB-D sensor depth better (log-scale distance of the median from indoor depths, minus penalties). */
  score: z.number(),
})
export type DepthCandidate = z.infer<typeof depthCandidateSchema>

export const depthDecisionSchema = z.object({
  encoding: z.enum(depthEncodingIds),
  unitMeters: z.number().positive(),
  /** Metres per stored value in the session (differs from unitMeters where depth is converted). */
  storedUnitMeters: z.number().positive(),
  medianMeters: z.number().nullable(),
  validFraction: z.number().min(0).max(1),
  reason: z.string(),
  /** What the format's convention said, and whether the format states it or the importer assumes it. */
  convention: z.object({
    encoding: z.enum(depthEncodingIds),
    unitMeters: z.number().positive(),
    source: z.string(),
    stated: z.boolean(),
  }),
  /** Set when the data contradicts the convention (the data-fitting choice was used). */
  contradiction: z.string().nullable(),
  /** Set when another reading also looks plausible (a warning names both). */
  alternative: z.string().nullable(),
  candidates: z.array(depthCandidateSchema),
})
export type DepthDecision = z.infer<typeof depthDecisionSchema>

export const importDecisionsSchema = z.object({
  depth: depthDecisionSchema,
  intrinsics: z.object({ fx: z.number(), fy: z.number(), cx: z.number(), cy: z.number(), reason: z.string() }),
  poses: z.object({
    /** `camera-to-world` as given, `inverted` (world-to-camera in the source), `opengl` axes flipped, `none`. */
    convention: z.enum([
      'camera-to-world',
      'world-to-camera',
      'camera-to-world-opengl',
      'world-to-camera-opengl',
      'none',
    ]),
    reason: z.string(),
  }),
  order: z.object({ by: z.enum(['timestamps', 'file-number', 'source-order']), reason: z.string() }),
  /** Clockwise turn applied to colour, depth and labels (intrinsics and poses turned with them); absent in older reports. */
  orientation: z.object({ rotationDeg: frameRotationSchema, reason: z.string() }).optional(),
})
export type ImportDecisions = z.infer<typeof importDecisionsSchema>

export type PoseConventionId = ImportDecisions['poses']['convention']

/** A depth histogram in metres for the preview: equal-width bins from 0 to `maxMeters`. */
export interface DepthHistogram {
  maxMeters: number
  counts: number[]
}

/** What the import would do, before anything is written (`sessions.preview`, `dve import --dry-run`). */
export interface ImportPreview {
  format: string
  formatLabel: string
  frameCount: number
  /** Null when no depth frame could be read at all (the import would fail). */
  decisions: ImportDecisions | null
  /** Set when the depth reading could not be decided: the person must choose (the CLI refuses with this text). */
  depthUndecided: string | null
  warnings: string[]
  /** A few skipped frames as lines (`skippedCount` has them all). */
  skippedSample: string[]
  skippedCount: number
  firstFrame: {
    sourceName: string
    /** Colour as a PNG data URL (downscaled), so the renderer needs no file access. */
    rgbPng: string
    /** Stored depth (downscaled, nearest), little-endian uint16 in base64; 0 = none. */
    depth: { width: number; height: number; base64: string; unitMeters: number }
    /** Colour bar range (2–98 % of the valid depth) in metres. */
    rangeMeters: { min: number; max: number }
    histogram: DepthHistogram
    /** Up to a few thousand points of the frame in its camera (OpenCV axes, metres), xyz interleaved, and their 0..255 colours. */
    points: number[]
    pointColours: number[]
  } | null
}
