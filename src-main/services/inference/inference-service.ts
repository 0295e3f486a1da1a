/**
 * The `inference` service and the ports other areas use: per-frame embeddings (cache first, else the
 * worker), text embeddings, cosine scores and argmax class maps from the ORT heads, the PCA image of
 * a frame, the cache's status and budget, and batch runs over a recording as jobs.
 */
import { encode as encodePng } from 'fast-png'
import {
  ConsoleError,
  type BatchRunSummary,
  type CacheStatus,
  type FrameRange,
  type ServiceApi,
  type TextEmbeddingResult,
  type inferenceSpec,
} from '../../contract'
import type { JobRunner } from '../jobs/job-runner'
import type {
  ClassMap,
  EmbeddingMap,
  EmbeddingProvider,
  FrameClassifier,
  FrameReader,
  FrameScorer,
  LoadedFrame,
  PromptTemplateSource,
  ScoreMaps,
} from '../ports'
import { runBatch } from './batch-run'
import type { CompactTier, NetworkFeeds } from './compact-tier'
import { graphFeeds } from './input-graph'
import type { CachedMap, EmbeddingCache } from './embedding-cache'
import { decodeHalf, halfEmbeddingMap } from '../float16'
import type { ModelSettingsFile } from './model-settings'
import type { ModelsService } from './models-service'
import type { LoadedPack } from './pack-loader'
import { dot, headInput, mapKey, textTower } from './pack-inputs'
import { RecentEntries } from './recent-entries'
import type { Priority, InferenceWorkerClient } from './worker-client'
import type { EmbedTimings, EmbeddingMapData } from './worker-protocol'

export interface InferenceServiceDeps {
  models: ModelsService
  client: InferenceWorkerClient
  cache: EmbeddingCache
  frames: FrameReader
  jobs: JobRunner
  settings: ModelSettingsFile
  /** The compact cache tier (int8 codes on a per-model basis), or null for fp16 only. */
  tier: CompactTier | null
  /** 'auto': codes when the image model runs on a GPU provider (frames come fast), fp16 on the CPU. */
  cacheTier: 'auto' | 'fp16' | 'codes'
  /** Problems nobody waits on: a cache write that failed after its frame was answered (it is embedded again). */
  warn: (message: string) => void
}

interface MapMeta {
  width: number
  height: number
  scaleX: number
  scaleY: number
}

interface Embedded {
  map: EmbeddingMap
  embeddedNow: boolean
}

const keepRuns = 20

export class InferenceService
  implements ServiceApi<typeof inferenceSpec>, EmbeddingProvider, FrameScorer, FrameClassifier, PromptTemplateSource
{
  private readonly inFlight = new Map<string, Promise<Embedded>>()
  /** The last decoded maps (callers share them read-only, as they share an in-flight one). */
  private readonly recent = new RecentEntries<{ sessionId: string; map: EmbeddingMap }>(2)
  /** Size and scale of maps seen lately, so scoring a resident map needs no cache read. */
  private readonly meta = new RecentEntries<MapMeta>(256)
  private readonly runs = new Map<string, Promise<BatchRunSummary>>()
  /** Input tensors made ahead for frames of a batch (compact tier). */
  private readonly prepared = new WeakMap<LoadedFrame, NetworkFeeds>()

  constructor(private readonly deps: InferenceServiceDeps) {}

  // --- contract ---------------------------------------------------------------------------------

  async runOnSession({ sessionId, frames }: { sessionId: string; frames?: FrameRange }): Promise<{ jobId: string }> {
    const pack = await this.deps.models.ensureLoaded()
    const count = await this.deps.frames.frameCount(sessionId)
    const start = frames?.start ?? 0
    const end = frames?.end ?? count
    if (start >= count || end > count) {
      throw new ConsoleError(
        'invalid_input',
        `frames ${start}:${end} is outside session "${sessionId}", which has ${count} frames (0:${count}).`,
      )
    }
    const plan = { sessionId, modelId: pack.modelId, start, end }
    const job = this.deps.jobs.start('inference', `Run ${pack.manifest.name} on ${sessionId}`, (ctx) =>
      runBatch(
        plan,
        {
          isCached: (i) => this.deps.cache.has(pack.modelId, sessionId, i),
          loadFrame: async (i) => {
            const frame = await this.deps.frames.loadFrame(sessionId, i)
            // Pipelining: the next frame is decoded and resized here while the worker runs the current one.
            if (this.codesTier(pack) && (await this.deps.tier?.basis(pack.modelId)))
              this.prepared.set(frame, graphFeeds(pack.manifest.image, frame))
            return frame
          },
          compute: async (frame, signal) => {
            // Activating another pack unloads this one's sessions: stop with a clear message rather than a worker error.
            if (this.deps.models.loadedModelId() !== pack.modelId) {
              throw new ConsoleError(
                'conflict',
                `The active model pack changed during the run (it was "${pack.entry.id}"); run again to continue with the new one.`,
              )
            }
            const { map, timings } = await this.embed(pack, frame, 'batch', signal)
            this.recent.delete(mapKey(pack, sessionId, frame.frameIndex))
            return { timings, written: this.deps.cache.put(pack.modelId, sessionId, frame.frameIndex, map) }
          },
        },
        ctx,
      ),
    )
    this.runs.set(job.id, job.result)
    if (this.runs.size > keepRuns) this.runs.delete(this.runs.keys().next().value as string)
    return { jobId: job.id }
  }

  async runResult({ jobId }: { jobId: string }): Promise<BatchRunSummary> {
    const run = this.runs.get(jobId)
    if (!run)
      throw new ConsoleError('not_found', `No model run with job id "${jobId}" (only the last ${keepRuns} are kept).`)
    return run
  }

  async cacheStatus({ sessionId }: { sessionId?: string }): Promise<CacheStatus> {
    const modelId = this.activeModelId()
    const total = await this.deps.cache.counts()
    const session = sessionId && modelId ? await this.deps.cache.counts({ modelId, sessionId }) : { entries: 0 }
    return {
      modelId,
      bytes: total.bytes,
      budgetBytes: this.deps.cache.budgetBytes,
      entries: total.entries,
      sessionFramesCached: session.entries,
    }
  }

  async clearCache({ sessionId }: { sessionId?: string }): Promise<{ removedBytes: number }> {
    this.recent.deleteWhere((entry) => sessionId === undefined || entry.sessionId === sessionId)
    return { removedBytes: await this.deps.cache.clear(sessionId) }
  }

  async setCacheBudget({ bytes }: { bytes: number }): Promise<CacheStatus> {
    await this.deps.settings.update({ cacheBudgetBytes: bytes })
    await this.deps.cache.setBudget(bytes)
    return this.cacheStatus({})
  }

  /** Applies the remembered cache budget (called once at start). */
  async init(): Promise<void> {
    await this.deps.cache.setBudget((await this.deps.settings.read()).cacheBudgetBytes)
  }

  async embedText({ texts }: { texts: string[] }): Promise<TextEmbeddingResult> {
    const pack = await this.deps.models.ensureLoaded()
    const tower = textTower(pack)
    const vectors = await tower.embed(this.deps.client, texts)
    return {
      dim: vectors[0]?.length ?? 0,
      promptTemplate: tower.spec.promptTemplate,
      items: texts.map((text, i) => {
        const v = vectors[i] as Float32Array
        return { text, prompt: tower.prompt(text), norm: Math.hypot(...v), head: [...v.subarray(0, 8)] }
      }),
      cosines: vectors.map((a) => vectors.map((b) => dot(a, b))),
    }
  }

  // --- ports ------------------------------------------------------------------------------------

  activeModelId(): string | null {
    return this.deps.models.activeModelId()
  }

  promptTemplate(): string | null {
    return this.deps.models.activePack()?.manifest.text?.promptTemplate ?? null
  }

  async textEmbeddings(texts: string[]): Promise<Float32Array[]> {
    const pack = await this.deps.models.ensureLoaded()
    return textTower(pack).embed(this.deps.client, texts)
  }

  async frameEmbeddings(
    sessionId: string,
    frameIndex: number,
    signal?: AbortSignal,
    options?: { background?: boolean },
  ): Promise<EmbeddingMap> {
    const pack = await this.deps.models.ensureLoaded()
    return (await this.embeddings(pack, sessionId, frameIndex, signal, options?.background ? 'batch' : 'interactive'))
      .map
  }

  async scoreFrame(
    sessionId: string,
    frameIndex: number,
    vectors: Float32Array[],
    bias?: Float32Array | null,
    signal?: AbortSignal,
  ): Promise<ScoreMaps> {
    const pack = await this.deps.models.ensureLoaded()
    const head = headInput(pack, vectors, bias)
    const { meta, response } = await this.withResidentMap(pack, sessionId, frameIndex, signal, (key, map) =>
      this.deps.client.request({ kind: 'score', mapKey: key, map, ...head }, 'interactive', signal),
    )
    return {
      count: head.count,
      width: meta.width,
      height: meta.height,
      scaleX: meta.scaleX,
      scaleY: meta.scaleY,
      scores: response.scores,
    }
  }

  async classifyFrame(
    sessionId: string,
    frameIndex: number,
    vectors: Float32Array[],
    bias?: Float32Array | null,
    signal?: AbortSignal,
  ): Promise<ClassMap> {
    const pack = await this.deps.models.ensureLoaded()
    const head = headInput(pack, vectors, bias)
    const { meta, response } = await this.withResidentMap(pack, sessionId, frameIndex, signal, (key, map) =>
      this.deps.client.request({ kind: 'classify', mapKey: key, map, ...head }, 'interactive', signal),
    )
    return {
      count: head.count,
      width: meta.width,
      height: meta.height,
      scaleX: meta.scaleX,
      scaleY: meta.scaleY,
      classIndex: response.classIndex,
      bestScore: response.bestScore,
    }
  }

  /** PNG of the first three principal components of a frame's embeddings. */
  async pcaImage(sessionId: string, frameIndex: number): Promise<Uint8Array> {
    const pack = await this.deps.models.ensureLoaded()
    const { response } = await this.withResidentMap(pack, sessionId, frameIndex, undefined, (key, map) =>
      this.deps.client.request({ kind: 'pca', mapKey: key, map }, 'interactive'),
    )
    return encodePng({ width: response.width, height: response.height, data: response.rgb, channels: 3, depth: 8 })
  }

  // --- internals --------------------------------------------------------------------------------

  /** The frame's map from the cache, else embedded now (`embeddedNow`: the worker holds it resident). */
  private embeddings(
    pack: LoadedPack,
    sessionId: string,
    frameIndex: number,
    signal?: AbortSignal,
    priority: Priority = 'interactive',
  ): Promise<Embedded> {
    const key = mapKey(pack, sessionId, frameIndex)
    const recent = this.recent.get(key)
    if (recent) return Promise.resolve({ map: recent.map, embeddedNow: false })
    let pending = this.inFlight.get(key)
    if (!pending) {
      pending = (async () => {
        const cached = await this.deps.cache.get(pack.modelId, sessionId, frameIndex)
        const frame = cached ? null : await this.deps.frames.loadFrame(sessionId, frameIndex)
        const made = frame && (await this.embed(pack, frame, priority, signal)).map
        const map = await this.toEmbeddingMap(pack, key, (cached ?? made) as CachedMap)
        this.recent.set(key, { sessionId, map })
        // Not awaited: the write and its fsync took 7 ms, 20 at p95, live; reads of the entry wait for it.
        if (made)
          this.deps.cache.putBehind(pack.modelId, sessionId, frameIndex, made, (reason) =>
            this.deps.warn(`Frame ${frameIndex} of "${sessionId}" was embedded but not cached: ${reason}`),
          )
        return { map, embeddedNow: made !== null }
      })().finally(() => this.inFlight.delete(key))
      this.inFlight.set(key, pending)
    }
    return pending
  }

  /** Sends a request that needs the frame's map in the worker; sends the map along when the worker lacks it. */
  private async withResidentMap<R>(
    pack: LoadedPack,
    sessionId: string,
    frameIndex: number,
    signal: AbortSignal | undefined,
    send: (key: string, map: EmbeddingMapData | null) => Promise<R>,
  ): Promise<{ meta: MapMeta; response: R }> {
    const key = mapKey(pack, sessionId, frameIndex)
    const resident = async (meta: MapMeta): Promise<{ meta: MapMeta; response: R } | null> => {
      try {
        return { meta, response: await send(key, null) }
      } catch (error) {
        if (!(error instanceof ConsoleError && error.detail?.missingMap)) throw error
        return null
      }
    }
    const known = this.meta.get(key)
    const sent = known ? await resident(known) : null
    if (sent) return sent
    const { map, embeddedNow } = await this.embeddings(pack, sessionId, frameIndex, signal)
    const meta = this.meta.get(key) as MapMeta
    // A frame embedded just now is resident in the worker: its map need not travel back (megabytes).
    const again = embeddedNow ? await resident(meta) : null
    if (again) return again
    // The fp16 values where the map has them: half the bytes to send, and no float32 decode here.
    const values = map.halves ? { halves: map.halves } : { data: map.data }
    return { meta, response: await send(key, { dim: map.dim, width: map.width, height: map.height, ...values }) }
  }

  /** Runs the model on a frame in the worker (which keeps the map resident); the caller writes the cache. */
  private async embed(
    pack: LoadedPack,
    frame: LoadedFrame,
    priority: Priority,
    signal?: AbortSignal,
  ): Promise<{ map: CachedMap; timings: EmbedTimings }> {
    const { sessionId, frameIndex } = frame
    const depth = frame.depthMeters
    if (depth.width === 0 || depth.height === 0 || depth.data.length !== depth.width * depth.height) {
      throw new ConsoleError(
        'bad_file',
        `Frame ${frameIndex} of session "${sessionId}" has no depth image; ${pack.manifest.name} needs RGB-D.`,
      )
    }
    const tier = this.codesTier(pack)
    const basis = tier ? await tier.basis(pack.modelId) : null
    if (tier && basis) {
      const encoded = await tier.encode(pack, frame, basis, priority, signal, this.prepared.get(frame))
      this.rememberMeta(mapKey(pack, sessionId, frameIndex), encoded.map)
      return encoded
    }
    const response = await this.deps.client.request(
      {
        kind: 'embedImage',
        sessionKey: pack.imageKey,
        spec: pack.imageSpec,
        rgb: frame.rgb,
        depthMeters: frame.depthMeters,
        mapKey: mapKey(pack, sessionId, frameIndex),
      },
      priority,
      signal,
    )
    const map: CachedMap = {
      dim: response.dim,
      width: response.width,
      height: response.height,
      cameraWidth: frame.camera.width,
      cameraHeight: frame.camera.height,
      halves: response.halves,
    }
    this.rememberMeta(mapKey(pack, sessionId, frameIndex), map)
    if (tier) await tier.observe(pack, decodeHalf(response.halves))
    return { map, timings: response.timings }
  }

  private codesTier(pack: LoadedPack): CompactTier | null {
    const { tier, cacheTier } = this.deps
    const wanted = cacheTier === 'codes' || (cacheTier === 'auto' && pack.provider !== 'cpu')
    return wanted ? tier : null
  }

  private async toEmbeddingMap(pack: LoadedPack, key: string, map: CachedMap): Promise<EmbeddingMap> {
    const meta = this.rememberMeta(key, map)
    const layout = { dim: map.dim, width: map.width, height: map.height, scaleX: meta.scaleX, scaleY: meta.scaleY }
    if ('halves' in map) return halfEmbeddingMap(layout, map.halves)
    return { ...layout, data: await this.tierFor(pack).decode(pack.modelId, map) }
  }

  /** Reads of codes entries need the tier whatever the current setting. */
  private tierFor(pack: LoadedPack): CompactTier {
    if (!this.deps.tier)
      throw new ConsoleError(
        'internal',
        `A compact cache entry of ${pack.entry.id} was found but the compact tier is off.`,
      )
    return this.deps.tier
  }

  private rememberMeta(key: string, map: CachedMap): MapMeta {
    const { width, height } = map
    return this.meta.set(key, { width, height, scaleX: map.cameraWidth / width, scaleY: map.cameraHeight / height })
  }
}
