/**
 * Keeps session indexes in memory, loads them from the cache, and builds the missing frames as a
 * cancellable job (running the model where the inference cache has no embeddings). Progress is
 * saved when the job ends, even when cancelled, so the next search resumes where it stopped.
 */
import { ConsoleError } from '../../contract'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader } from '../ports'
import { poolCells } from './embedding-pooling'
import { LiveQueryIndex } from './live-query-index'
import { SessionQueryIndex, compressedIndex, defaultGrid, fitFrames, type FrameCells } from './session-index'
import type { SessionIndexStore } from './session-index-store'

export interface SessionIndexDeps {
  frames: FrameReader
  embeddings: EmbeddingProvider
  jobs: JobRunner
  store: SessionIndexStore
}

/** A build in progress is saved this often, so a cancelled or crashed one resumes. */
const saveEveryMs = 30_000

export class SessionIndexes {
  private readonly loaded = new Map<string, SessionQueryIndex>()
  private readonly building = new Map<string, Promise<SessionQueryIndex>>()
  /** Sessions recording live, whose index the live model fills (`addLiveFrame`). */
  private readonly live = new Map<string, LiveQueryIndex>()

  constructor(private readonly deps: SessionIndexDeps) {}

  /** Frames indexed so far (from memory or disk), without building anything; a live session's are all done. */
  async indexedFrames(sessionId: string, modelId: string): Promise<number> {
    const frameCount = await this.deps.frames.frameCount(sessionId)
    if (this.live.has(`${modelId}\u0000${sessionId}`)) return frameCount
    const index = await this.current(sessionId, modelId, frameCount)
    return index ? index.data.frameCount - index.missingFrames().length : 0
  }

  /** A frame the live model just embedded joins its session's index, so asking runs no model. */
  addLiveFrame(sessionId: string, modelId: string, frame: FrameCells): void {
    const key = `${modelId}\u0000${sessionId}`
    const live = this.live.get(key)
    if (live) live.add(frame)
    else this.live.set(key, new LiveQueryIndex(sessionId, modelId, frame))
  }

  /** The link ended: its live index becomes the session's (saved), the frames it passed by left out. */
  async endLive(sessionId: string): Promise<void> {
    for (const [key, live] of this.live) {
      if (live.sessionId !== sessionId) continue
      this.live.delete(key)
      const index = live.snapshot(await this.deps.frames.frameCount(sessionId))
      this.loaded.set(key, index)
      await this.deps.store.save(index.data)
    }
  }

  /**
   * The complete index of a session; builds missing frames as a job (concurrent callers share it). A
   * live session's is the live model's frames so far, at once.
   */
  ensure(sessionId: string, modelId: string): Promise<SessionQueryIndex> {
    const key = `${modelId}\u0000${sessionId}`
    const live = this.live.get(key)
    if (live) return this.deps.frames.frameCount(sessionId).then((frameCount) => live.snapshot(frameCount))
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
      let lastSave = Date.now()
      let unsaved = 0
      // Without an index yet, a strided sample of frames goes first: the compression is fitted on it.
      const sampled = index ? [] : stridedSample(missing, fitFrames)
      const order = index ? missing : [...sampled, ...missing.filter((f) => !sampled.includes(f))]
      const pending: FrameCells[] = []
      try {
        for (const [done, frameIndex] of order.entries()) {
          ctx.throwIfCancelled()
          ctx.progress(done, order.length, `frame ${frameIndex}`)
          const [frame, embeddings] = await Promise.all([
            this.deps.frames.loadFrame(sessionId, frameIndex),
            this.deps.embeddings.frameEmbeddings(sessionId, frameIndex, ctx.signal),
          ])
          const cells = poolCells(embeddings, defaultGrid)
          if (!index) {
            pending.push({ frameIndex, timestampSec: frame.timestampSec, cells, dim: embeddings.dim })
            if (pending.length < sampled.length) continue
            index = compressedIndex(sessionId, modelId, frameCount, pending)
            unsaved += pending.length
            continue
          }
          index.setFrame(frameIndex, frame.timestampSec, cells)
          unsaved++
          // Saving rewrites the whole index (hundreds of MB for an hour-long recording): by time, not per frame.
          if (Date.now() - lastSave > saveEveryMs) {
            await this.deps.store.save(index.data)
            lastSave = Date.now()
            unsaved = 0
          }
        }
        ctx.progress(order.length, order.length, 'done')
      } finally {
        // Cancelled while sampling: fit on the (strided) frames read so far rather than lose them.
        if (!index && pending.length > 0) {
          index = compressedIndex(sessionId, modelId, frameCount, pending)
          unsaved = pending.length
        }
        if (index && unsaved > 0) await this.deps.store.save(index.data)
      }
      if (!index) throw new ConsoleError('internal', `Indexing ${sessionId} produced no frames.`)
      return index
    })
    const built = await job.result
    this.loaded.set(`${modelId}\u0000${sessionId}`, built)
    return built
  }
}

/** Up to `count` entries spread evenly over `items`. */
function stridedSample(items: number[], count: number): number[] {
  if (items.length <= count) return [...items]
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!)
}
