/**
 * Ask: free-text, region ("more like this") queries over one frame and over a whole recording, with
 * LERF-style relevancy against canonical negatives, a caregiver answer, history and saved queries.
 */
import { z } from 'zod'
import { method } from './rpc'
import { displayName } from './display-name'

/** LERF's canonical negatives; editable per query. */
export const canonicalNegatives = ['object', 'things', 'stuff', 'texture'] as const
/** Softmax temperature on cosine similarities (LERF uses 10). */
export const defaultTemperature = 10
/**
 * Relevancy 0.5 means "as close to the query as to the closest negative". Adaptive thresholds ask
 * for a clear win (cosine margin ≈ 0.04 at temperature 10): on the demo pack, things absent from the
 * recording peak at 0.52–0.56 with vocabulary negatives, present ones mostly at 0.7–1.
 */
export const relevancyFloor = 0.6
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
  negatives: z.array(z.string().trim().min(1).max(80)).max(64).default([...canonicalNegatives]),
  temperature: z.number().positive().max(100).default(defaultTemperature),
  /** Relevancy threshold in [0, 1]; null = adaptive (Otsu split of the scores, at least relevancyFloor). */
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
  thresholdMode: 'fixed' | 'adaptive'
  createdAt: string
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
}

/** A run of frames where the query passes the threshold (gaps shorter than the NMS window merged). */
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
}

export interface CaregiverAnswer {
  seen: boolean
  /** e.g. "Seen 3 times; last at 00:42 (frame 412)." or "Not seen in this recording." */
  text: string
  bestFrame: number | null
  lastFrame: number | null
  /** A place in the fused map, when the session has poses and a map. */
  mapPin: MapPin | null
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
}

export interface QueryHistoryEntry {
  id: string
  sessionId: string | null
  record: QueryRecord
  /** Short outcome of a recording search, when the entry came from one. */
  outcome: { seen: boolean; sightings: number; bestFrame: number | null } | null
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
  /** Top queries from history and saved queries at one pixel. */
  pixelMatches: method<PixelMatch[]>()(
    z.object({ sessionId, frameIndex, xNorm: unit, yNorm: unit, top: z.number().int().min(1).max(20).default(5) }),
  ),
  history: method<QueryHistoryEntry[]>()(z.void()),
  clearHistory: method<{ cleared: number }>()(z.void()),
  saved: method<SavedQuery[]>()(z.void()),
  saveQuery: method<SavedQuery>()(z.object({ name: displayName(80), query: askQuerySchema })),
  deleteSaved: method<{ deleted: boolean }>()(z.object({ id: z.string().min(1).max(80) })),
}
