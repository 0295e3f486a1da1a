/**
 * Training the live probe and computing visual means from labels, as jobs. A new training run for
 * a set cancels the one in flight (the UI retrains after every stroke). Results are written into
 * the user class set; the status (loss curve, held-out accuracy, per-class confidence) beside it.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConsoleError, type ProbeStatus } from '../../contract'
import { writeJsonAtomic } from '../../platform/atomic-write'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader } from '../ports'
import type { ClassSetStore } from './class-set-store'
import type { LabelStore } from './label-store'
import { labelledFrameRefs } from './labelled-frames'
import type { LabelledPixelCache, PixelSamples } from './labelled-pixels'
import {
  classMeans,
  defaultProbeOptions,
  type ProbeTrainingData,
  type ProbeTrainingOptions,
  type ProbeTrainingResult,
} from './probe-trainer'

/** Where training runs: the native-work process, which stops between batches when `signal` aborts. */
export interface ProbeTrainer {
  trainProbe(
    data: ProbeTrainingData,
    options: ProbeTrainingOptions,
    onEpoch: (epoch: number, loss: number) => void,
    signal: AbortSignal,
  ): Promise<ProbeTrainingResult>
}

export interface ProbeJobsDeps {
  store: ClassSetStore
  labels: LabelStore
  pixels: LabelledPixelCache
  trainer: ProbeTrainer
  frames: FrameReader
  embeddings: EmbeddingProvider
  jobs: JobRunner
  classSetsDir: string
}

/** probe-status.json as written after a run (the ProbeStatus of that run). */
const savedStatusSchema = z.object({
  state: z.enum(['none', 'training', 'ready', 'failed']),
  error: z.string().nullable(),
  lossCurve: z.array(z.number()),
  heldOutAccuracy: z.number().min(0).max(1).nullable(),
  perClassConfidence: z.array(z.number().min(0).max(1).nullable()),
  pixelsPerClass: z.array(z.number().int().nonnegative()),
  trainPixels: z.number().int().nonnegative(),
  heldOutPixels: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  trainedAt: z.string().nullable(),
  modelId: z.string().nullable(),
})

/** What the Classes view and `dve classes train` say instead of failing while one class is labelled. */
export function secondClassMessage(setName: string, labelled: string[]): string {
  return `Paint a second class to train the probe (the labels of "${setName}" cover ${labelled.length ? `only ${labelled.join(', ')}` : 'no class yet'}).`
}

function emptyStatus(classSetId: string): ProbeStatus {
  return {
    classSetId,
    state: 'none',
    jobId: null,
    error: null,
    labelledClassCount: 0,
    lossCurve: [],
    heldOutAccuracy: null,
    perClassConfidence: [],
    pixelsPerClass: [],
    trainPixels: 0,
    heldOutPixels: 0,
    seconds: 0,
    trainedAt: null,
    modelId: null,
  }
}

export class ProbeJobs {
  private readonly running = new Map<string, string>()
  private readonly live = new Map<string, ProbeStatus>()

  constructor(private readonly deps: ProbeJobsDeps) {}

  async status(classSetId: string): Promise<ProbeStatus> {
    const labelledClassCount = (await this.labelledClasses(classSetId)).length
    const live = this.live.get(classSetId)
    if (live) return { ...live, labelledClassCount }
    const path = this.statusPath(classSetId)
    const text = await readFile(path, 'utf8').catch(() => null)
    if (text === null) return { ...emptyStatus(classSetId), labelledClassCount }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new ConsoleError(
        'bad_file',
        `${path}: not JSON (${error instanceof Error ? error.message : String(error)}); train the probe again to rewrite it.`,
      )
    }
    const parsed = savedStatusSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new ConsoleError(
        'bad_file',
        `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}; train the probe again to rewrite it.`,
      )
    }
    return { ...parsed.data, classSetId, jobId: null, labelledClassCount }
  }

  /**
   * Indices of the classes with labelled pixels in any session: the label store remembers each mask's
   * classes (recorded on save), so after every stroke this costs a listing and a stat per mask.
   */
  private async labelledClasses(classSetId: string, sessionIds?: string[]): Promise<number[]> {
    const { labels } = this.deps
    const perSession = await Promise.all(
      (sessionIds ?? (await labels.sessions(classSetId))).map(async (sessionId) =>
        Promise.all(
          (await labels.frames(sessionId, classSetId)).map((frameIndex) =>
            labels.labelledValues(sessionId, classSetId, frameIndex),
          ),
        ),
      ),
    )
    const present = new Set(perSession.flat(2).map((value) => value - 1))
    return [...present].sort((a, b) => a - b)
  }

  async train(
    classSetId: string,
    sessionIds: string[] | undefined,
    epochs: number | undefined,
  ): Promise<{ jobId: string }> {
    const set = await this.deps.store.getWritable(classSetId)
    const labelled = await this.labelledClasses(classSetId, sessionIds)
    // Not a failure: the labeller has simply not got to the second class yet, so no job is started.
    if (labelled.length < 2)
      throw new ConsoleError(
        'invalid_input',
        secondClassMessage(
          set.name,
          labelled.map((k) => set.classes[k]?.name ?? `class ${k + 1}`),
        ),
      )
    const previous = this.running.get(classSetId)
    if (previous) await this.deps.jobs.cancel({ id: previous }).catch(() => undefined)
    const started = Date.now()
    const status: ProbeStatus = { ...(await this.status(classSetId)), state: 'training', error: null, lossCurve: [] }
    const job = this.deps.jobs.start(
      'probe',
      `Train probe: ${set.name}`,
      async (ctx) => {
        const samples = await this.samples(classSetId, sessionIds, ctx.signal, (done, total) =>
          ctx.progress(done, total, 'reading labelled frames'),
        )
        const present = new Set(samples.labels).size
        // The masks had two classes, but one may vanish at the output stride (a few pixels).
        if (present < 2)
          throw new ConsoleError(
            'invalid_input',
            `Class set "${set.name}": at the model's output stride only ${present} class keeps labelled pixels; paint a larger area of a second class to train the probe.`,
          )
        const options = { ...defaultProbeOptions, ...(epochs ? { epochs } : {}) }
        const result = await this.deps.trainer.trainProbe(
          { dim: samples.dim, classCount: set.classes.length, embeddings: samples.embeddings, labels: samples.labels },
          options,
          (epoch, loss) => {
            status.lossCurve = [...status.lossCurve, loss]
            ctx.progress(epoch + 1, options.epochs, `epoch ${epoch + 1}: loss ${loss.toFixed(4)}`)
          },
          ctx.signal,
        )
        ctx.throwIfCancelled()
        const rows = splitRows(result.weights, set.classes.length, samples.dim)
        const matrices = await this.deps.store.matrices(set)
        await this.deps.store.save(set.id, set.name, set.classes, {
          ...matrices,
          probe: { weights: rows, bias: result.bias },
        })
        Object.assign(status, {
          state: 'ready',
          lossCurve: result.lossCurve,
          heldOutAccuracy: result.heldOutAccuracy,
          perClassConfidence: result.perClassConfidence,
          pixelsPerClass: result.pixelsPerClass,
          trainPixels: result.trainPixels,
          heldOutPixels: result.heldOutPixels,
          seconds: (Date.now() - started) / 1000,
          trainedAt: new Date().toISOString(),
          modelId: this.deps.embeddings.activeModelId(),
        } satisfies Partial<ProbeStatus>)
        await writeJsonAtomic(this.statusPath(classSetId), status)
        return status
      },
      { group: `probe:${classSetId}` },
    )
    status.jobId = job.id
    this.live.set(classSetId, status)
    this.running.set(classSetId, job.id)
    job.result
      .catch((error: unknown) => {
        if (this.running.get(classSetId) !== job.id) return // superseded by a newer run
        status.state = error instanceof ConsoleError && error.code === 'cancelled' ? 'none' : 'failed'
        status.error = status.state === 'failed' ? (error instanceof Error ? error.message : String(error)) : null
      })
      .finally(() => {
        if (this.running.get(classSetId) === job.id) this.running.delete(classSetId)
      })
    return { jobId: job.id }
  }

  async computeMeans(classSetId: string, sessionIds: string[] | undefined): Promise<{ jobId: string }> {
    const set = await this.deps.store.getWritable(classSetId)
    const job = this.deps.jobs.start('means', `Visual means: ${set.name}`, async (ctx) => {
      const samples = await this.samples(classSetId, sessionIds, ctx.signal, (done, total) =>
        ctx.progress(done, total, 'reading labelled frames'),
      )
      const C = set.classes.length
      const empty = set.classes.filter((_, k) => !samples.labels.includes(k)).map((c) => c.name)
      if (empty.length)
        throw new ConsoleError(
          'invalid_input',
          `Class set "${set.name}": no labelled pixels for ${empty.join(', ')}; label them or remove them before computing means.`,
        )
      const rows = splitRows(
        classMeans(samples.embeddings, samples.labels, Uint32Array.from(samples.labels.keys()), samples.dim, C),
        C,
        samples.dim,
      )
      const matrices = await this.deps.store.matrices(set)
      await this.deps.store.save(set.id, set.name, set.classes, { ...matrices, means: rows })
      return { classes: C }
    })
    return { jobId: job.id }
  }

  private async samples(
    classSetId: string,
    sessionIds: string[] | undefined,
    signal: AbortSignal,
    progress: (done: number, total: number) => void,
  ): Promise<PixelSamples> {
    const refs = await labelledFrameRefs(this.deps.labels, this.deps.frames, classSetId, sessionIds)
    if (refs.length === 0)
      throw new ConsoleError(
        'invalid_input',
        `Class set "${classSetId}" has no labelled frames: paint some labels first.`,
      )
    return this.deps.pixels.gather(classSetId, refs, signal, (done) => progress(done, refs.length))
  }

  private statusPath(classSetId: string): string {
    return join(this.deps.classSetsDir, classSetId, 'probe-status.json')
  }
}

function splitRows(flat: Float32Array, rows: number, dim: number): Float32Array[] {
  return Array.from({ length: rows }, (_, k) => flat.slice(k * dim, (k + 1) * dim))
}
