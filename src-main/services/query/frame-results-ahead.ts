/**
 * Heatmaps scored before the view asks for them: the live view asks each newly embedded frame for
 * the same queries, so the live link scores that frame for the queries its view asked last, in the
 * same model turn as the embedding (otherwise the view's request waits behind the next frame's
 * embedding, a whole model period). Few and recent: what is remembered is bounded in count and age.
 */
import type { FrameQueryResult } from '../../contract'

/** Sessions whose view's last queries are remembered. */
const maxWatched = 4
/** A view that has not asked for this long is not watching any more. */
const watchForMs = 5_000
/** Results kept for the view to pick up (the heatmap bytes they name live in the 64-entry HeatmapCache). */
const maxResults = 8

export interface FrameQueryInput<Q> {
  sessionId: string
  frameIndex: number
  queries: Q[]
}

export class FrameResultsAhead<Q> {
  private readonly watched = new Map<string, { queries: Q[]; atMs: number }>()
  private readonly results = new Map<string, Promise<FrameQueryResult>>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The view asked `input`: remembered as what it watches on that session. */
  asked(input: FrameQueryInput<Q>): void {
    this.watched.delete(input.sessionId)
    this.watched.set(input.sessionId, { queries: input.queries, atMs: this.now() })
    while (this.watched.size > maxWatched) this.watched.delete(this.watched.keys().next().value as string)
  }

  /** What the session's view asked last, unless it stopped asking. */
  watching(sessionId: string): Q[] | null {
    const seen = this.watched.get(sessionId)
    if (!seen) return null
    if (this.now() - seen.atMs > watchForMs) {
      this.watched.delete(sessionId)
      return null
    }
    return seen.queries
  }

  /** A result scored ahead for exactly this input (and model), if any. */
  find(input: FrameQueryInput<Q>, modelId: string | null): Promise<FrameQueryResult> | null {
    return this.results.get(resultKey(input, modelId)) ?? null
  }

  keep(input: FrameQueryInput<Q>, modelId: string | null, result: Promise<FrameQueryResult>): void {
    const key = resultKey(input, modelId)
    this.results.delete(key)
    this.results.set(key, result)
    // A failed score is not kept: the view's own request then says why.
    result.catch(() => this.results.get(key) === result && this.results.delete(key))
    while (this.results.size > maxResults) this.results.delete(this.results.keys().next().value as string)
  }

  get sizes(): { watched: number; results: number } {
    return { watched: this.watched.size, results: this.results.size }
  }
}

function resultKey<Q>(input: FrameQueryInput<Q>, modelId: string | null): string {
  return JSON.stringify([modelId, input.sessionId, input.frameIndex, input.queries])
}
