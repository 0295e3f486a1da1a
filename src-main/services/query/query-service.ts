/**
 * Ask: heatmaps on a frame, search over a recording, the caregiver answer, click matches, history
 * and saved queries. Model work goes through the ports; this service only combines scores.
 */
import { join } from 'node:path'
import { z } from 'zod'
import {
  ConsoleError, canonicalNegatives, defaultTemperature, resourcePaths,
  type AskQuery, type FrameHeatmap, type FrameQueryResult, type MapPin, type PixelMatch, type QueryHistoryEntry, type QueryIndexStatus,
  type QueryRecord, type SavedQuery, type ServiceApi, type SessionSearchResult, querySpec,
} from '../../contract'
import type { ConsolePaths } from '../../platform/paths'
import type { DataRouter } from '../data-router'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader, FrameScorer, MapQueryPort, ModelPackProvider, PromptTemplateSource, ScoreMaps } from '../ports'
import { caregiverAnswer } from './caregiver-answer'
import { boxEmbedding } from './embedding-pooling'
import { PackVocabulary, dot, type Vocabulary, type VocabularySource } from './pack-vocabulary'
import { summariseHeatmap } from './frame-heatmap'
import { HeatmapCache } from './heatmap-cache'
import { QueryHistoryStore } from './query-history-store'
import { cleanQueryText } from './query-text'
import { QueryVectors, type ResolvedQuery } from './query-vectors'
import { adaptiveThreshold, relevancyOf } from './relevancy'
import { SessionIndexStore } from './session-index-store'
import { SessionIndexes } from './session-indexes'
import { sightings, topMoments } from './temporal-moments'

/** Ports from other areas; null until that area is wired (then Ask says what is missing). */
export interface QueryServiceDeps {
  frames: FrameReader | null
  embeddings: EmbeddingProvider | null
  scorer: FrameScorer | null
  prompt: PromptTemplateSource | null
  map: MapQueryPort | null
  /** The active pack's class sets (vocabulary negatives); null = canonical negatives only. */
  vocabulary: (() => VocabularySource) | null
  /** Which class sets are the active pack's own (preferred for vocabulary negatives). */
  packs: ModelPackProvider | null
  jobs: JobRunner
  data: DataRouter
  paths: ConsolePaths
}

type Input<M extends keyof typeof querySpec> = Parameters<ServiceApi<typeof querySpec>[M]>[0]

/** Bad input from the CLI or a test reads like the host's: invalid_input naming the field. */
function checked<M extends 'frame' | 'search' | 'pixelMatches' | 'saveQuery'>(name: M, raw: Input<M>): z.output<(typeof querySpec)[M]['input']> {
  const result = querySpec[name].input.safeParse(raw)
  if (!result.success) throw new ConsoleError('invalid_input', `query.${name}: ${z.prettifyError(result.error)}`)
  return result.data as z.output<(typeof querySpec)[M]['input']>
}

/** How many remembered phrases a click is compared with. */
const maxClickCandidates = 64

export class QueryService implements ServiceApi<typeof querySpec> {
  private readonly heatmaps: HeatmapCache
  private readonly store: QueryHistoryStore
  private readonly indexStore: SessionIndexStore
  private indexes: SessionIndexes | null = null
  private vectorCache: QueryVectors | null = null
  private readonly packVocabulary: PackVocabulary | null

  constructor(private readonly deps: QueryServiceDeps) {
    this.heatmaps = new HeatmapCache(deps.data)
    this.store = new QueryHistoryStore(join(deps.paths.home, 'ask'))
    this.indexStore = new SessionIndexStore(deps.paths.cache)
    this.packVocabulary = deps.vocabulary ? new PackVocabulary(deps.vocabulary, deps.packs) : null
  }

  // The CLI and tests call the service directly, so each method applies the schema's defaults itself.
  async frame(raw: Input<'frame'>): Promise<FrameQueryResult> {
    const input = checked('frame', raw)
    const { modelId, scorer, vectors } = this.model()
    const vocabulary = await this.vocabulary(modelId)
    const resolved = await Promise.all(input.queries.map((query) => vectors.resolve(query, modelId, vocabulary)))
    // One scorer call for every query and its negatives: one embedding read and one MatMul per frame.
    const all = await scorer.scoreFrame(input.sessionId, input.frameIndex, resolved.flatMap((r) => [r.vector, ...r.negatives]))
    const pixels = all.width * all.height
    let row = 0
    const heatmaps = input.queries.map((query, i) => {
      const count = 1 + (resolved[i] as ResolvedQuery).negatives.length
      const scores = { ...all, count, scores: all.scores.subarray(row * pixels, (row + count) * pixels) }
      row += count
      return this.heatmap(resolved[i] as ResolvedQuery, query, modelId, scores)
    })
    return { sessionId: input.sessionId, frameIndex: input.frameIndex, heatmaps }
  }

  private heatmap(resolved: ResolvedQuery, query: AskQuery, modelId: string, scores: ScoreMaps): FrameHeatmap {
    const summary = summariseHeatmap(scores, resolved.negatives.length, query.settings.temperature, query.settings.threshold)
    return {
      record: this.record(resolved, query, modelId, summary.threshold),
      heatmapPath: resourcePaths.queryHeatmap(this.heatmaps.put(summary.bytes)),
      width: summary.width, height: summary.height,
      maxRelevancy: summary.maxRelevancy, maxCosine: summary.maxCosine,
      peak: summary.peak, region: summary.region, coverage: summary.coverage,
    }
  }

  async search(raw: Input<'search'>): Promise<SessionSearchResult> {
    const started = performance.now()
    const { sessionId, query, top, minGapSec, withMap, remember } = checked('search', raw)
    const { modelId, vectors } = this.model()
    const resolved = await vectors.resolve(query, modelId, await this.vocabulary(modelId))
    const index = await this.sessionIndexes().ensure(sessionId, modelId)
    const cells = index.cellRelevancy(resolved.vector, resolved.negatives, resolved.negativesKey, query.settings.temperature)
    const threshold = query.settings.threshold ?? adaptiveThreshold(cells.relevancy)
    const relevancyByFrame = index.perFrameMax(cells.relevancy)
    const timestampsSec = [...index.data.timestampsSec]
    const moments = topMoments(relevancyByFrame, timestampsSec, top, minGapSec)
    const found = sightings(relevancyByFrame, timestampsSec, threshold, minGapSec)
    const best = moments[0] && moments[0].relevancy >= threshold ? moments[0] : null
    const mapPin = best && withMap ? await this.mapPin(sessionId, resolved.vector) : null
    const record = this.record(resolved, query, modelId, threshold)
    const answer = caregiverAnswer(found, best, mapPin, threshold)
    if (remember) await this.store.add({ sessionId, record, outcome: { seen: answer.seen, sightings: found.length, bestFrame: answer.bestFrame } })
    return {
      record, sessionId, frameCount: index.data.frameCount, relevancyByFrame, timestampsSec,
      moments, sightings: found, answer, elapsedMs: performance.now() - started,
    }
  }

  async indexStatus({ sessionId }: Input<'indexStatus'>): Promise<QueryIndexStatus> {
    const frames = this.require(this.deps.frames, 'the recordings service (FrameReader)')
    const frameCount = await frames.frameCount(sessionId)
    const modelId = this.deps.embeddings?.activeModelId() ?? null
    const indexedFrames = modelId ? await this.sessionIndexes().indexedFrames(sessionId, modelId) : 0
    return { sessionId, modelId, frameCount, indexedFrames }
  }

  async pixelMatches(raw: Input<'pixelMatches'>): Promise<PixelMatch[]> {
    const input = checked('pixelMatches', raw)
    const { modelId, vectors, embeddings } = this.model()
    const phrases = await this.rememberedPhrases()
    if (phrases.length === 0) return []
    const map = await embeddings.frameEmbeddings(input.sessionId, input.frameIndex)
    const box = { x0: input.xNorm, y0: input.yNorm, x1: input.xNorm, y1: input.yNorm }
    const pixel = boxEmbedding(map, box)
    const [phraseVectors, negativeVectors] = await Promise.all([vectors.texts(phrases, modelId), vectors.texts([...canonicalNegatives], modelId)])
    const maxNegative = Math.max(...negativeVectors.map((v) => dot(pixel, v)))
    return phrases
      .map((label, i) => {
        const cosine = dot(pixel, phraseVectors[i] as Float32Array)
        return { label, cosine, relevancy: relevancyOf(cosine, maxNegative, defaultTemperature) }
      })
      .sort((a, b) => b.relevancy - a.relevancy)
      .slice(0, input.top)
  }

  history(): Promise<QueryHistoryEntry[]> {
    return this.store.history()
  }

  async clearHistory(): Promise<{ cleared: number }> {
    return { cleared: await this.store.clearHistory() }
  }

  saved(): Promise<SavedQuery[]> {
    return this.store.saved()
  }

  saveQuery(raw: Input<'saveQuery'>): Promise<SavedQuery> {
    const input = checked('saveQuery', raw)
    return this.store.save(input.name, input.query)
  }

  async deleteSaved({ id }: Input<'deleteSaved'>): Promise<{ deleted: boolean }> {
    return { deleted: await this.store.delete(id) }
  }

  private model(): { modelId: string; scorer: FrameScorer; vectors: QueryVectors; embeddings: EmbeddingProvider } {
    const embeddings = this.require(this.deps.embeddings, 'the inference service (EmbeddingProvider)')
    const scorer = this.require(this.deps.scorer, 'the inference service (FrameScorer)')
    const modelId = embeddings.activeModelId()
    if (!modelId) throw new ConsoleError('model_error', 'Ask needs a model pack: load one in the Models view (or `dve models use <pack>`).')
    this.vectorCache ??= new QueryVectors(embeddings)
    return { modelId, scorer, vectors: this.vectorCache, embeddings }
  }

  private vocabulary(modelId: string): Promise<Vocabulary | null> {
    return this.packVocabulary?.forModel(modelId) ?? Promise.resolve(null)
  }

  private sessionIndexes(): SessionIndexes {
    this.indexes ??= new SessionIndexes({
      frames: this.require(this.deps.frames, 'the recordings service (FrameReader)'),
      embeddings: this.require(this.deps.embeddings, 'the inference service (EmbeddingProvider)'),
      jobs: this.deps.jobs,
      store: this.indexStore,
    })
    return this.indexes
  }

  private require<T>(port: T | null, what: string): T {
    if (!port) throw new ConsoleError('unsupported', `Ask needs ${what}, which this build has not wired yet.`)
    return port
  }

  private record(resolved: ResolvedQuery, query: AskQuery, modelId: string, threshold: number): QueryRecord {
    return {
      label: resolved.label, source: query.source, queryText: resolved.queryText, modelId,
      promptTemplate: this.deps.prompt?.promptTemplate() ?? null,
      negatives: query.settings.negatives, vocabularyNegatives: resolved.vocabularyNames, temperature: query.settings.temperature,
      threshold, thresholdMode: query.settings.threshold === null ? 'adaptive' : 'fixed',
      createdAt: new Date().toISOString(),
    }
  }

  private async mapPin(sessionId: string, vector: Float32Array): Promise<MapPin | null> {
    if (!this.deps.map) return null
    const [hit] = await this.deps.map.queryMap(sessionId, [vector])
    return hit ? { worldPoint: hit.worldPoint, nearLabel: hit.nearLabel } : null
  }

  /** Distinct text queries from saved queries and history, most relevant to this user first. */
  private async rememberedPhrases(): Promise<string[]> {
    const [saved, history] = await Promise.all([this.store.saved(), this.store.history()])
    const phrases = [
      ...saved.map((s) => (s.query.source.kind === 'text' ? cleanQueryText(s.query.source.text) : null)),
      ...history.map((h) => h.record.queryText),
    ]
    return [...new Set(phrases.filter((p): p is string => p !== null))].slice(0, maxClickCandidates)
  }
}

