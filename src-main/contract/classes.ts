/**
 * Classes: class sets (built-in, from the model pack, the user's own), labels painted on session
 * frames, the live linear probe trained on them, visual means, evaluation against ground truth, and
 * import/export. Label masks travel as binary payloads (`labelMaskPath`); everything else as JSON.
 */
import { z } from 'zod'
import { method } from './rpc'
import { frameRangeSchema } from './inference'
import { segmentationModes, type SegmentationModeName } from './segmentation'
import { displayName } from './display-name'

const id = z.string().min(1).max(200)
const sessionId = z.string().min(1).max(120)
const frameIndex = z.number().int().nonnegative()
const channel = z.number().int().min(0).max(255)
export const rgbColorSchema = z.tuple([channel, channel, channel])

export const classDefSchema = z.object({
  name: displayName(120),
  color: rgbColorSchema,
  /** Text prompts (class names or phrases); the pack's prompt template is applied to each. */
  prompts: z.array(z.string().trim().min(1).max(300)).max(32).default([]),
  /** Number key 1–9 that selects the class while labelling. */
  hotkey: z.number().int().min(1).max(9).nullable().default(null),
})
export type ClassDef = z.output<typeof classDefSchema>
export type ClassDefInput = z.input<typeof classDefSchema>

export type ClassSetSource = 'builtin' | 'pack' | 'user'

export interface ClassSetSummary {
  id: string
  name: string
  source: ClassSetSource
  /** Built-in and pack sets are read-only: duplicate to edit. */
  readOnly: boolean
  classCount: number
  embeddingDim: number | null
  hasMeans: boolean
  hasProbe: boolean
  modes: SegmentationModeName[]
}

export interface ClassSetDetail extends ClassSetSummary {
  classes: ClassDef[]
}

/** Label masks store class index + 1 per camera pixel; 0 = unlabelled. */
export interface FrameLabels {
  sessionId: string
  classSetId: string
  frameIndex: number
  width: number
  height: number
  /** Labelled pixels per class (index = class index). */
  pixelCounts: number[]
  /** Raw little-endian uint16 mask, width*height values; absent when the frame has no labels yet. */
  labelMaskPath: string | null
  /** Bumped on every save so the renderer never shows a stale cached mask. */
  revision: number
}

export interface LabelledFrame {
  frameIndex: number
  pixelCounts: number[]
}

export interface ProbeStatus {
  classSetId: string
  state: 'none' | 'training' | 'ready' | 'failed'
  jobId: string | null
  error: string | null
  /** Classes with labelled pixels now (any session): a probe needs two. */
  labelledClassCount: number
  /** Mean training loss per epoch. */
  lossCurve: number[]
  /** Accuracy on the held-out labelled pixels (null when too few to hold out). */
  heldOutAccuracy: number | null
  /** Mean softmax probability of the true class on held-out pixels, per class (null: no pixels). */
  perClassConfidence: Array<number | null>
  pixelsPerClass: number[]
  trainPixels: number
  heldOutPixels: number
  seconds: number
  trainedAt: string | null
  modelId: string | null
}

export interface ClassIou {
  name: string
  /** null when the class is neither in the ground truth nor predicted. */
  iou: number | null
  gtPixels: number
  predictedPixels: number
  /** Counted in mIoU: the class has ground-truth pixels in the evaluated frames (the papers' protocol). */
  inMean: boolean
}

/** One evaluated frame's own scores (classes present in that frame's ground truth). */
export interface FrameScore {
  frameIndex: number
  miou: number
  pixelAccuracy: number
}

export interface ModeEvaluation {
  mode: SegmentationModeName
  /** Mean IoU over the classes present in the ground truth of the evaluated frames (void ignored). */
  miou: number
  /** IoU weighted by each class's share of the ground-truth pixels. */
  frequencyWeightedIou: number
  pixelAccuracy: number
  /** In report order (the official list's order where the set maps to one). */
  classes: ClassIou[]
  /** Pixel counts, row-major classes×classes, rows = ground truth, columns = prediction, in `classes` order; null above 256 classes. */
  confusion: number[] | null
  perFrame: FrameScore[]
}

export interface EvaluationReport {
  sessionId: string
  classSetId: string
  modelId: string
  frames: number
  /** How the figures are computed, in one sentence (shown under the table and in `dve eval`). */
  protocol: string
  /** The classes averaged into mIoU: those with ground-truth pixels in the evaluated frames. */
  averagedClasses: string[]
  /** The dataset's official class list the set maps to (classes are reported in its order), or null. */
  officialList: { id: string; name: string } | null
  /** Ground-truth class names with no counterpart in the class set (ignored like void). */
  unmatchedGtClasses: string[]
  modes: ModeEvaluation[]
  /** Modes the class set cannot run, with the reason. */
  skipped: Array<{ mode: SegmentationModeName; reason: string }>
  seconds: number
}

/** A plain warning that a pack or class set does not fit a recording, with what to do; `id` lets a view say it once. */
export interface FitNotice {
  id: string
  message: string
  action: string
}

/** One frame of a segmentation set beside its ground truth (Segmentation's "Compare with ground truth"). */
export interface GroundTruthComparison {
  sessionId: string
  frameIndex: number
  classSetId: string
  mode: SegmentationModeName
  width: number
  height: number
  /** uint16 class index per camera pixel, 65535 where the ground truth is void or not in the set. */
  groundTruthPath: string
  /** This frame's scores, computed as the evaluation computes each frame. */
  score: FrameScore
  /** Per class in set order: ground-truth pixels of this frame. */
  gtPixels: number[]
  unmatchedGtClasses: string[]
}

const classes = z.array(classDefSchema).max(1000)
const mode = z.enum(segmentationModes)

export const classesSpec = {
  /** Every set with its classes (class lists are small; the view needs them for the editor and picker). */
  list: method<ClassSetDetail[]>()(z.void()),
  /** Class-set files that could not be read (left out of `list`), each with its path and what is wrong. */
  problems: method<Array<{ file: string; problem: string }>>()(z.void()),
  get: method<ClassSetDetail>()(z.object({ id })),
  create: method<ClassSetDetail>()(z.object({ name: displayName(120), classes: classes.optional() })),
  duplicate: method<ClassSetDetail>()(z.object({ id, name: displayName(120) })),
  rename: method<ClassSetDetail>()(z.object({ id, name: displayName(120) })),
  remove: method<{ removed: boolean }>()(z.object({ id })),
  /** Replaces the class list; removing a class that has labels is refused. */
  updateClasses: method<ClassSetDetail>()(z.object({ id, classes })),

  labelledFrames: method<LabelledFrame[]>()(z.object({ sessionId, classSetId: id })),
  getLabels: method<FrameLabels>()(z.object({ sessionId, classSetId: id, frameIndex })),
  /**
   * Applies a stroke: flat triples [offset, length, value] over the row-major camera-size mask
   * (value = class index + 1, 0 erases). `replace` clears the frame first (whole-mask saves, undo).
   */
  saveLabels: method<FrameLabels>()(
    z.object({
      sessionId,
      classSetId: id,
      frameIndex,
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      runs: z
        .array(z.number().int().nonnegative())
        .refine((r) => r.length % 3 === 0, 'runs: flat [offset, length, value] triples'),
      replace: z.boolean().default(false),
    }),
  ),
  /** Pixels of a frame's output grid connected to (x, y) whose embedding cosine to it exceeds `threshold`. */
  similarRegion: method<{ width: number; height: number; runs: number[] }>()(
    z.object({
      sessionId,
      frameIndex,
      x: z.number().int().nonnegative(),
      y: z.number().int().nonnegative(),
      threshold: z.number().min(-1).max(1),
    }),
  ),

  /** Trains the linear probe on every labelled frame of the set (job; a new run cancels the previous one). */
  trainProbe: method<{ jobId: string }>()(
    z.object({
      classSetId: id,
      sessionIds: z.array(sessionId).max(100).optional(),
      epochs: z.number().int().min(1).max(200).optional(),
    }),
  ),
  probeStatus: method<ProbeStatus>()(z.object({ classSetId: id })),
  /** Visual means from the labels (normalised mean embedding per class); job. */
  computeMeans: method<{ jobId: string }>()(
    z.object({ classSetId: id, sessionIds: z.array(sessionId).max(100).optional() }),
  ),

  /** mIoU and per-class IoU on frames with ground-truth labels (job; result via evaluationResult). */
  evaluate: method<{ jobId: string }>()(
    z.object({ sessionId, classSetId: id, modes: z.array(mode).min(1).max(3), frames: frameRangeSchema.optional() }),
  ),
  evaluationResult: method<EvaluationReport>()(z.object({ jobId: z.string().min(1) })),
  /** Whether the active pack and the class set fit the recording (notices, empty when they do). */
  fit: method<FitNotice[]>()(z.object({ sessionId, classSetId: id.optional() })),
  /** A frame's ground truth mapped to the set's classes and this frame's IoU for one mode. */
  compareGroundTruth: method<GroundTruthComparison>()(z.object({ sessionId, classSetId: id, frameIndex, mode })),

  /** Reads a class-set JSON (+ .npy beside it) into a new user set (the path policy decides: docs/SECURITY.md). */
  importClassSet: method<ClassSetDetail>()(
    z.object({ path: z.string().min(1).max(1000), name: displayName(120).optional() }),
  ),
  /**
   * Writes `<id>.json` (+ means/probe `.npy`) into a folder (the path policy decides: docs/SECURITY.md);
   * files of that name already there are replaced only with `overwrite`.
   */
  exportClassSet: method<{ files: string[] }>()(
    z.object({ id, outDir: z.string().min(1).max(1000), overwrite: z.boolean().default(false) }),
  ),
  /**
   * Reads a folder written by exportLabels into a session's labels: NNNNNN.png + classes.json, or a
   * COCO panoptic `panoptic_*.json` with its PNG folder (CVAT, Label Studio); values map to the set's
   * classes by name (browser mode: only inside the allowed roots).
   */
  importLabels: method<{ frames: number[] }>()(
    z.object({ sessionId, classSetId: id, dir: z.string().min(1).max(1000) }),
  ),
  /**
   * Writes one index-mask PNG per labelled frame plus classes.json, or (`format: 'coco'`) one COCO
   * semantic-segmentation JSON with RLE masks, or (`'coco-panoptic'`) `panoptic_<session>.<set>.json`
   * plus its folder of segment PNGs, for CVAT / Label Studio. Browser mode: only inside the allowed
   * roots. Files of those names already there are replaced only with
   * `overwrite`.
   */
  exportLabels: method<{ files: string[] }>()(
    z.object({
      sessionId,
      classSetId: id,
      outDir: z.string().min(1).max(1000),
      format: z.enum(['png', 'coco', 'coco-panoptic']).default('png'),
      overwrite: z.boolean().default(false),
    }),
  ),
}
