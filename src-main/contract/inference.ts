/**
 * Running the active model: batch runs over a recording (a job), the per-frame embedding cache,
 * text embeddings for debugging. The PCA image of a frame is a data route (resources.ts).
 */
import { z } from 'zod'
import { method } from './rpc'

const sessionId = z.string().min(1).max(120)

/** Disk budget of the embedding cache: at least 64 MiB. */
export const cacheBudgetSchema = z
  .number()
  .int()
  .min(64 * 2 ** 20)

/** Frames `start` ≤ i < `end`; `end` null or absent = to the last frame. */
export const frameRangeSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().positive().nullable().optional() })
  .refine((r) => r.end == null || r.end > r.start, 'frames: end must be greater than start')
export type FrameRange = z.infer<typeof frameRangeSchema>

export interface BatchRunSummary {
  sessionId: string
  modelId: string
  frames: number
  /** Frames computed in this run (the rest came from the cache). */
  computed: number
  cached: number
  seconds: number
  framesPerSecond: number
  /** Mean milliseconds per computed frame inside the worker (null when every frame was cached). */
  workerMs: { preprocess: number; run: number; post: number } | null
}

export interface CacheStatus {
  /** Active model id (cache key), or null when no pack is loaded. */
  modelId: string | null
  bytes: number
  budgetBytes: number
  entries: number
  /** Frames of `sessionId` cached for the active model (0 when no session was asked for). */
  sessionFramesCached: number
}

export interface TextEmbeddingResult {
  dim: number
  promptTemplate: string
  items: Array<{ text: string; prompt: string; norm: number; head: number[] }>
  /** cosines[i][j] between texts i and j. */
  cosines: number[][]
}

export const inferenceSpec = {
  /** Starts "Run model on recording" as a job; the job result is a BatchRunSummary. */
  runOnSession: method<{ jobId: string }>()(z.object({ sessionId, frames: frameRangeSchema.optional() })),
  /** Waits for a run started by runOnSession and returns its summary (fails as the job failed). */
  runResult: method<BatchRunSummary>()(z.object({ jobId: z.string().min(1) })),
  cacheStatus: method<CacheStatus>()(z.object({ sessionId: sessionId.optional() })),
  clearCache: method<{ removedBytes: number }>()(z.object({ sessionId: sessionId.optional() })),
  /** Sets (and remembers) the cache's disk budget; evicts least recently used entries beyond it. */
  setCacheBudget: method<CacheStatus>()(z.object({ bytes: cacheBudgetSchema })),
  embedText: method<TextEmbeddingResult>()(
    z.object({ texts: z.array(z.string().trim().min(1).max(300)).min(1).max(32) }),
  ),
}
