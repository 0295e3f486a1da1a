/**
 * Ask: free-text, region ("more like this") queries over one frame and over a whole recording, with
 * LERF-style relevancy against canonical negatives, a caregiver answer, history and saved queries.
 */
import { z } from 'zod'
import { method } from './rpc'
import { displayName } from './display-name'

/** LERF's canonical negatives; editable per query. */
export const canonicalNegatives = ['object', 'things', 'stuff', 'texture'] as const
/** Softmax temperature on cosine similarities (LERF uses 10); a pack's calibration may set another. */
export const defaultTemperature = 10
/**
 * Relevancy 0.5 means "as close to the query as to the closest negative". A pack without a
 * calibrated rule (model.json `relevancy`) decides "seen" at this relevancy: a clear win (cosine
 * margin ≈ 0.04 at temperature 10).
 */
export const defaultRelevancyThreshold = 0.6
/** Sightings closer than this are one visit (a glance away and back is not a second visit). */
export const visitGapSec = 3
/** The Ask view waits this long after the last key before updating the heatmap (bench: ≤ 100 ms in all). */
export const askTypingDebounceMs = 60

/** Time in a recording as "mm:ss" (or "h:mm:ss"), the same in answers, the CLI and the views. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}

const unit = z.number().min(0).max(1)
const sessionId = z.string().min(1).max(120)
const frameIndex = z.number().int().nonnegative()

/** A box in normalised image coordinates (0..1, x right, y down); a click is a tiny box. */
export const normalisedBoxSchema = z
  .object({ x0: unit, y0: unit, x1: unit, y1: unit })
  .refine((b) => b.x1 >= b.x0 && b.y1 >= b.y0, 'box must have x1 ≥ x0 and y1 ≥ y0')
export type NormalisedBox = z.infer<typeof normalisedBoxSchema>

export const querySourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().trim().min(1).max(200) }),
  /** "More like this": the mean embedding of a clicked pixel or brushed box of a frame. */
  z.object({ kind: z.literal('region'), sessionId, frameIndex, box: normalisedBoxSchema }),
])
export type QuerySource = z.infer<typeof querySourceSchema>

export const querySettingsSchema = z.object({
  negatives: z
    .array(z.string().trim().min(1).max(80))
    .max(64)
    .default([...canonicalNegatives]),
  /** null = the pack's calibrated temperature (else defaultTemperature). */
  temperature: z.number().positive().max(100).nullable().default(null),
  /** Relevancy threshold in [0, 1]; null = the pack's calibrated threshold (else defaultRelevancyThreshold). */
  threshold: unit.nullable().default(null),
  /**
   * Also compare against the active pack's class names (except the query's own near-synonyms): the
   * query must beat everything the model knows by name. Needed where the canonical negatives are far
   * from every pixel (the demo pack), where relevancy would otherwise be high everywhere.
   */
  vocabularyNegatives: z.boolean().default(true),
})
export type QuerySettings = z.infer<typeof querySettingsSchema>

/** One query as the user set it up: what to look for and how to judge it. */
export const askQuerySchema = z.object({ source: querySourceSchema, settings: querySettingsSchema.prefault({}) })
export type AskQuery = z.infer<typeof askQuerySchema>
export type AskQueryInput = z.input<typeof askQuerySchema>

/** Everything needed to reproduce a result. */
export interface QueryRecord {
  /** What the user sees, e.g. "bean bag" or "region of frame 12". */
  label: string
  source: QuerySource
  /** The text after stripping question words, or null for region queries. */
  queryText: string | null
  modelId: string
  /** The pack's prompt template (e.g. "a detailed photo of a {}"), or null when unknown. */
  promptTemplate: string | null
  negatives: string[]
  /** Class names of the pack that were also used as negatives (empty when off or none). */
  vocabularyNegatives: string[]
  temperature: number
  threshold: number
  /** 'pack': the pack's calibrated rule (or the default for an uncalibrated pack); 'fixed': set by the user. */
  thresholdMode: 'fixed' | 'pack'
  createdAt: string
}

/**
 * Words of a text query the model knows. A word is known when the pack's tokenizer has it as a
 * whole word or the pack's class names use it; unknown words get the closest vocabulary word.
 */
export interface QueryWords {
  unknown: string[]
  /** The query with unknown words replaced by close known ones ("plnat" → "plant"), or null. */
  suggestion: string | null
}

export interface FrameHeatmap {
  record: QueryRecord
  /**
   * Binary at the model's output stride: `width*height` bytes of relevancy (0..255 ↔ 0..1), then
   * `width*height` bytes of raw cosine (0..255 ↔ −1..1), row-major.
   */
  heatmapPath: string
  width: number
  height: number
  maxRelevancy: number
  maxCosine: number
  /** Where the relevancy peaks. */
  peak: { xNorm: number; yNorm: number }
  /** Bounding box of the above-threshold blob around the peak, or null when nothing passes. */
  region: NormalisedBox | null
  /** Where to put the label: inside the largest above-threshold region (its most inland pixel), or null. */
  labelAt: { xNorm: number; yNorm: number } | null
  /** The frame-level decision, as the recording search makes it for this frame (index cells). */
  seen: boolean
  words: QueryWords
  /** Fraction of pixels above the threshold. */
  coverage: number
}

export interface FrameQueryResult {
  sessionId: string
  frameIndex: number
  heatmaps: FrameHeatmap[]
}

export interface QueryMoment {
  frameIndex: number
  timestampSec: number
  relevancy: number
  /** 'seen': the best frame of a visit (passes the threshold); 'possible': a frame below it. */
  decision: 'seen' | 'possible'
}

/** A visit: a run of frames where the query passes the threshold (gaps shorter than visitGapSec joined). */
export interface QuerySighting {
  firstFrame: number
  lastFrame: number
  bestFrame: number
  bestSec: number
  startSec: number
  endSec: number
  relevancy: number
}

export interface MapPin {
  /** World coordinates of the pin in metres. */
  worldPoint: [number, number, number]
  /** What the map knows is near it (e.g. "sofa"), or null. */
  nearLabel: string | null
  /** A recognised thing beside it in the map, in words ("the blue door"), or null. */
  nearby: string | null
}

export interface CaregiverAnswer {
  /** 'seen', 'not-seen', or 'unknown-words' (the model does not know a word of the query). */
  status: 'seen' | 'not-seen' | 'unknown-words'
  seen: boolean
  /** Plain words: "The plant was last seen 2 minutes ago, near the blue door. Seen 3 times." */
  text: string
  /** How many visits (runs of frames that pass, gaps under visitGapSec joined). */
  visits: number
  /** The frame the picture shows: the best frame of the last visit. */
  bestFrame: number | null
  lastFrame: number | null
  lastSeenSec: number | null
  /** A place in the fused map, when the session has poses and a map. */
  mapPin: MapPin | null
  /** "plant" for "plnat", from the pack's vocabulary. */
  suggestion: string | null
}

export interface SessionSearchResult {
  record: QueryRecord
  sessionId: string
  frameCount: number
  /** Per-frame best relevancy (pooled cells), one per frame, for the timeline strip. */
  relevancyByFrame: number[]
  timestampsSec: number[]
  /** Best frames after non-maximum suppression over time, best first. */
  moments: QueryMoment[]
  sightings: QuerySighting[]
  answer: CaregiverAnswer
  words: QueryWords
  elapsedMs: number
}

export interface QueryIndexStatus {
  sessionId: string
  modelId: string | null
  frameCount: number
  indexedFrames: number
}

export interface PixelMatch {
  label: string
  cosine: number
  relevancy: number
  /** Passes the pack's threshold in the index cell under the click (the decision search uses). */
  seen: boolean
}

export interface QueryHistoryEntry {
  id: string
  sessionId: string | null
  record: QueryRecord
  /** Short outcome of a recording search, when the entry came from one. */
  outcome: { seen: boolean; sightings: number; bestFrame: number | null } | null
}

/** The decision rule in force for the active pack. */
export interface QueryRule {
  modelId: string | null
  threshold: number
  temperature: number
  /** false: the pack has no calibration and the defaults apply. */
  calibrated: boolean
  calibratedOn: string
}

export interface RelevancyCalibration {
  sessionId: string
  modelId: string
  threshold: number
  temperature: number
  /** Per-frame F1, precision and recall over every (class, frame) pair at the threshold. */
  f1: number
  precision: number
  recall: number
  /** Every class shown should pass in at least this share of its frames; false: no threshold managed it. */
  classRecallFloor: number
  floorMet: boolean
  classes: Array<{
    name: string
    present: boolean
    precision: number | null
    recall: number | null
    peakWhereAbsent: number
  }>
  /** The model.json written, or null. */
  written: string | null
}

export interface SavedQuery {
  id: string
  name: string
  query: AskQuery
  createdAt: string
}

export const querySpec = {
  /** Heatmaps of up to 6 queries on one frame. */
  frame: method<FrameQueryResult>()(
    z.object({ sessionId, frameIndex, queries: z.array(askQuerySchema).min(1).max(6) }),
  ),
  /** Searches every frame (building the embedding index as a job where needed). */
  search: method<SessionSearchResult>()(
    z.object({
      sessionId,
      query: askQuerySchema,
      top: z.number().int().min(1).max(50).default(5),
      /** Non-maximum suppression window: moments closer than this are one moment. */
      minGapSec: z.number().nonnegative().max(600).default(2),
      /** Also ask the fused map for a pin (when the session has poses and a map). */
      withMap: z.boolean().default(true),
      /** Add the result to the history (off when only the threshold or negatives were adjusted). */
      remember: z.boolean().default(true),
    }),
  ),
  indexStatus: method<QueryIndexStatus>()(z.object({ sessionId })),
  /** What the pack's vocabulary and remembered queries say at one pixel, best first (same rule as search). */
  pixelMatches: method<PixelMatch[]>()(
    z.object({ sessionId, frameIndex, xNorm: unit, yNorm: unit, top: z.number().int().min(1).max(20).default(5) }),
  ),
  history: method<QueryHistoryEntry[]>()(z.void()),
  clearHistory: method<{ cleared: number }>()(z.void()),
  saved: method<SavedQuery[]>()(z.void()),
  saveQuery: method<SavedQuery>()(z.object({ name: displayName(80), query: askQuerySchema })),
  deleteSaved: method<{ deleted: boolean }>()(z.object({ id: z.string().min(1).max(80) })),
  /**
   * Calibrates the active pack's threshold on a session with ground-truth labels (per-frame F1 over
   * the pack's vocabulary); `write` stores it in the pack's model.json (`relevancy`).
   */
  calibrate: method<RelevancyCalibration>()(z.object({ sessionId, write: z.boolean().default(false) })),
  /** The active pack's relevancy rule, for the views' legends and the Advanced panel. */
  rule: method<QueryRule>()(z.void()),
}
