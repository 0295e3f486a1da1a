/**
 * Segmentation: class maps of a frame from a class set in one mode (text, visual mean, linear probe),
 * two modes side by side, and a whole session as a job. Metadata travels as JSON; the class maps and
 * the top-2 read-out are binary payloads fetched by URL (layouts below).
 */
import { z } from 'zod'
import { method } from './rpc'
import { frameRangeSchema } from './inference'

export const segmentationModes = ['text', 'mean', 'probe'] as const
export type SegmentationModeName = (typeof segmentationModes)[number]

const sessionId = z.string().min(1).max(120)
const frameIndex = z.number().int().nonnegative()
const classSetId = z.string().min(1).max(200)
const mode = z.enum(segmentationModes)

export interface SegmentedClass {
  /** 0-based index over the class set; masks store index + 1 (0 = void), as ground-truth labels do. */
  index: number
  name: string
  color: [number, number, number]
  /** Fraction of camera-resolution pixels assigned to this class. */
  share: number
}

/** A class set as the Segmentation view offers it. */
export interface SegmentationClassSet {
  id: string
  name: string
  classCount: number
  modes: SegmentationModeName[]
}

/**
 * Binary payloads (little-endian):
 * - `classMapPath`: class index (0-based) per pixel at the model's output stride, row-major;
 *   uint8 when `bytesPerIndex` is 1, uint16 when 2.
 * - `fullClassMapPath`: the same at camera resolution, decided on bilinearly upsampled logits
 *   (align_corners=False), as the reference postprocessing does.
 * - `top2Path`: at output stride, five uint16 planes of width*height: winner, runner-up, winner
 *   softmax score and runner-up softmax score (0..65535 ↔ 0..1), winner raw cosine (0..65535 ↔ −1..1).
 */
export interface FrameSegmentation {
  sessionId: string
  frameIndex: number
  classSetId: string
  mode: SegmentationModeName
  modelId: string
  classes: SegmentedClass[]
  width: number
  height: number
  cameraWidth: number
  cameraHeight: number
  bytesPerIndex: 1 | 2
  classMapPath: string
  fullClassMapPath: string
  top2Path: string
  /** Mean over pixels of the winner's softmax probability and raw cosine (softmax of cosines is flat). */
  meanScore: number
  meanWinnerCosine: number
  elapsedMs: number
}

export interface SegmentationComparison {
  left: FrameSegmentation
  right: FrameSegmentation
  /** Fraction of camera pixels where both sides chose the same class. */
  agreement: number
}

export interface SessionSegmentationSummary {
  sessionId: string
  classSetId: string
  mode: SegmentationModeName
  modelId: string
  frames: number
  /** Class shares over all segmented frames. */
  classes: SegmentedClass[]
  /** Per frame, the index of the class with the largest share. */
  dominantClassByFrame: number[]
  /** Folder the masks were written to, or null. */
  outDir: string | null
  seconds: number
}

const segmentRequest = z.object({ sessionId, frameIndex, classSetId, mode })

export const segmentationSpec = {
  classSets: method<SegmentationClassSet[]>()(z.void()),
  segmentFrame: method<FrameSegmentation>()(segmentRequest),
  /** The same frame and class set in two modes. */
  compareModes: method<SegmentationComparison>()(
    z.object({ sessionId, frameIndex, classSetId, modes: z.tuple([mode, mode]) }),
  ),
  /**
   * Segments frames as a job (result: SessionSegmentationSummary). `outDir` writes index-mask PNGs,
   * colour PNGs and classes.json there (CLI and desktop only; the browser host refuses it).
   */
  segmentSession: method<{ jobId: string }>()(
    z.object({
      sessionId,
      classSetId,
      mode,
      frames: frameRangeSchema.optional(),
      outDir: z.string().min(1).max(1000).optional(),
      /** Replace masks/, color/ and classes.json already in outDir. */
      overwrite: z.boolean().default(false),
    }),
  ),
  sessionResult: method<SessionSegmentationSummary>()(z.object({ jobId: z.string().min(1) })),
}
