/**
 * "Run model on recording": every frame of a range through the model into the cache, as a job.
 * Frames already cached are skipped (so a failed or cancelled run resumes where it stopped), the
 * next frame is decoded and the previous frame's cache entry written while the native-work process
 * runs the current one. If that process dies, the run fails naming the frame (the process restarts;
 * the frames before are cached, so running again resumes). Nothing per frame is kept, so memory
 * stays flat however long the recording is.
 */
import { performance } from 'node:perf_hooks'
import { ConsoleError, type BatchRunSummary } from '../../contract'
import type { JobContext } from '../jobs/job-runner'
import type { LoadedFrame } from '../ports'
import type { EmbedTimings } from './worker-protocol'

export interface BatchFrameSource {
  isCached(frameIndex: number): Promise<boolean>
  loadFrame(frameIndex: number): Promise<LoadedFrame>
  /** Runs the model on the frame; resolves when the worker is done, with the cache write still going on. */
  compute(frame: LoadedFrame, signal: AbortSignal): Promise<{ timings: EmbedTimings; written: Promise<void> }>
}

export interface BatchPlan {
  sessionId: string
  modelId: string
  start: number
  end: number
}

type Prepared = { cached: true } | { cached: false; frame: LoadedFrame } | { error: unknown }

export async function runBatch(plan: BatchPlan, source: BatchFrameSource, ctx: JobContext): Promise<BatchRunSummary> {
  const startedAt = performance.now()
  const total = plan.end - plan.start
  let computed = 0
  let cached = 0
  const workerMs = { preprocess: 0, run: 0, post: 0 }
  const addTimings = (t: EmbedTimings) => {
    workerMs.preprocess += t.preprocessMs
    workerMs.run += t.runMs
    workerMs.post += t.postMs
  }
  const prepare = (index: number): Promise<Prepared> =>
    source
      .isCached(index)
      .then(async (hit): Promise<Prepared> =>
        hit ? { cached: true } : { cached: false, frame: await source.loadFrame(index) },
      )
      .catch((error: unknown) => ({ error }))

  let writing: { index: number; done: Promise<void> } | null = null
  const finishWrite = async () => {
    const pending = writing
    writing = null
    if (pending) await pending.done.catch((error: unknown) => Promise.reject(frameError(plan, pending.index, error)))
  }
  const embed = async (frame: LoadedFrame) => {
    const result = await source.compute(frame, ctx.signal)
    addTimings(result.timings)
    result.written.catch(() => undefined) // observed in finishWrite; this only keeps a cancelled run's write from going unhandled
    return { written: result.written } // wrapped: returning the promise itself would make the caller wait for the write
  }

  let next = prepare(plan.start)
  try {
    for (let index = plan.start; index < plan.end; index++) {
      ctx.throwIfCancelled()
      const prepared = await next
      next = index + 1 < plan.end ? prepare(index + 1) : Promise.resolve({ cached: true })
      let written: Promise<void> | null = null
      try {
        if ('error' in prepared) throw prepared.error
        if (prepared.cached) {
          cached++
        } else {
          written = (await embed(prepared.frame)).written
          computed++
        }
      } catch (error) {
        if (error instanceof ConsoleError && error.code === 'cancelled') throw error
        throw frameError(plan, index, error)
      }
      await finishWrite()
      if (written) writing = { index, done: written }
      ctx.progress(index - plan.start + 1, total, `frame ${index + 1}/${plan.end}`)
    }
    await finishWrite()
  } finally {
    // A failed or cancelled run still lets the write in flight finish: what it counted as done is on disk.
    await writing?.done.catch(() => undefined)
  }
  const seconds = (performance.now() - startedAt) / 1000
  const summary: BatchRunSummary = {
    sessionId: plan.sessionId,
    modelId: plan.modelId,
    frames: total,
    computed,
    cached,
    seconds,
    framesPerSecond: seconds > 0 ? total / seconds : 0,
    workerMs: computed
      ? { preprocess: workerMs.preprocess / computed, run: workerMs.run / computed, post: workerMs.post / computed }
      : null,
  }
  ctx.progress(total, total, describeSummary(summary))
  return summary
}

function describeSummary(s: BatchRunSummary): string {
  return `${s.frames} frames (${s.computed} computed, ${s.cached} cached) in ${s.seconds.toFixed(1)} s, ${s.framesPerSecond.toFixed(2)} frames/s`
}

function frameError(plan: BatchPlan, index: number, error: unknown): ConsoleError {
  const message = error instanceof Error ? error.message : String(error)
  const code = error instanceof ConsoleError ? error.code : 'internal'
  return new ConsoleError(
    code,
    `Frame ${index} of session "${plan.sessionId}": ${message} (frames before it are cached; run again to resume).`,
  )
}
