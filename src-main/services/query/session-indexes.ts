/**
 * Keeps session indexes in memory, loads them from the cache, and builds the missing frames as a
 * cancellable job (running the model where the inference cache has no embeddings). Progress is
 * saved when the job ends, even when cancelled, so the next search resumes where it stopped.
 */
import { ConsoleError } from '../../contract'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader } from '../ports'
import { poolCells } from './embedding-pooling'
import { SessionQueryIndex, defaultGrid, emptyIndexData } from './session-index'
import type { SessionIndexStore } from './session-index-store'

export interface SessionIndexDeps {
  frames: FrameReader
  embeddings: EmbeddingProvider
  jobs: JobRunner
  store: SessionIndexStore
}

const saveEveryFrames = 50

export class SessionIndexes {
  private readonly loaded = new Map<string, SessionQueryIndex>()
  private readonly building = new Map<string, Promise<SessionQueryIndex>>()

  constructor(private readonly deps: SessionIndexDeps) {}

  /** Frames indexed so far (from memory or disk), without building anything. */
  async indexedFrames(sessionId: string, modelId: string): Promise<number> {
    const index = await this.current(sessionId, modelId, await this.deps.frames.frameCount(sessionId))
    return index ? index.data.frameCount - index.missingFrames().length : 0
  }

  /** The complete index of a session; builds missing frames as a job (concurrent callers share it). */
  ensure(sessionId: string, modelId: string): Promise<SessionQueryIndex> {
    const key = `${modelId}\u0000${sessionId}`
    const pending = this.building.get(key)
    if (pending) return pending
    const work = this.build(sessionId, modelId).finally(() => this.building.delete(key))
    this.building.set(key, work)
    return work
  }

  private async current(sessionId: string, modelId: string, frameCount: number): Promise<SessionQueryIndex | null> {
    const key = `${modelId}\u0000${sessionId}`
    let index = this.loaded.get(key) ?? null
    if (!index) {
      const stored = await this.deps.store.load(sessionId, modelId)
      index = stored ? new SessionQueryIndex(stored) : null
    }
    // A session re-imported with another frame count makes the old index meaningless.
    if (index && index.data.frameCount !== frameCount) index = null
    if (index) this.loaded.set(key, index)
    return index
  }

  private async build(sessionId: string, modelId: string): Promise<SessionQueryIndex> {
    const frameCount = await this.deps.frames.frameCount(sessionId)
    if (frameCount === 0) throw new ConsoleError('not_found', `Session "${sessionId}" has no frames to search.`)
    let index = await this.current(sessionId, modelId, frameCount)
    const missing = index ? index.missingFrames() : Array.from({ length: frameCount }, (_, i) => i)
    if (index && missing.length === 0) return index
    const job = this.deps.jobs.start('query-index', `Index ${sessionId} for Ask`, async (ctx) => {
      let sinceSave = 0
      try {
        for (const [done, frameIndex] of missing.entries()) {
          ctx.throwIfCancelled()
          ctx.progress(done, missing.length, `frame ${frameIndex}`)
          const [frame, embeddings] = await Promise.all([
            this.deps.frames.loadFrame(sessionId, frameIndex),
            this.deps.embeddings.frameEmbeddings(sessionId, frameIndex, ctx.signal),
          ])
          index ??= new SessionQueryIndex(emptyIndexData(sessionId, modelId, embeddings.dim, frameCount, defaultGrid))
          index.setFrame(frameIndex, frame.timestampSec, poolCells(embeddings, index.data.grid))
          if (++sinceSave >= saveEveryFrames) {
            await this.deps.store.save(index.data)
            sinceSave = 0
          }
        }
        ctx.progress(missing.length, missing.length, 'done')
      } finally {
        if (index && sinceSave > 0) await this.deps.store.save(index.data)
      }
      if (!index) throw new ConsoleError('internal', `Indexing ${sessionId} produced no frames.`)
      return index
    })
    const built = await job.result
    this.loaded.set(`${modelId}\u0000${sessionId}`, built)
    return built
  }
}
