/**
 * Ask: heatmaps on a frame, search over a recording, the caregiver answer, click matches, history
 * and saved queries. Model work goes through the ports; this service only combines scores.
 */
import { join } from 'node:path'
import { z } from 'zod'
import {
  ConsoleError,
  resourcePaths,
  visitGapSec,
  type AskQuery,
  type FrameHeatmap,
  type FrameQueryResult,
  type MapPin,
  type PixelMatch,
  type QueryHistoryEntry,
  type QueryIndexStatus,
  type QueryRecord,
  type QueryRule,
  type RelevancyCalibration,
  type RelevancyRule,
  type SavedQuery,
  type ServiceApi,
  type SessionManifest,
  type SessionSearchResult,
  querySpec,
} from '../../contract'
import type { ConsolePaths } from '../../platform/paths'
import type { DataRouter } from '../data-router'
import type { JobRunner } from '../jobs/job-runner'
import type {
  EmbeddingMap,
  EmbeddingProvider,
  FrameReader,
  FrameScorer,
  MapQueryPort,
  PromptTemplateSource,
  ScoreMaps,
} from '../ports'
import { caregiverAnswer } from './caregiver-answer'
import { summariseHeatmap } from './frame-heatmap'
import { FrameResultsAhead } from './frame-results-ahead'
import { HeatmapCache } from './heatmap-cache'
import { QueryHistoryStore } from './query-history-store'
import { cleanQueryText } from './query-text'
import { passes, type QueryScoring, type ScoredQuery } from './query-scoring'
import { SessionQueryIndex, defaultGrid, emptyIndexData, mapCells } from './session-index'
import { SessionIndexStore } from './session-index-store'
import { SessionIndexes } from './session-indexes'
import { labelFractions } from './label-fractions'
import { calibrateThreshold, glimpseFraction, shownFraction } from './relevancy-calibration'
import { evidenceMoments, visits } from './temporal-moments'

/** Ports from other areas; null until that area is wired (then Ask says what is missing). */
export interface QueryServiceDeps {
  frames: FrameReader | null
  embeddings: EmbeddingProvider | null
  scorer: FrameScorer | null
  prompt: PromptTemplateSource | null
  map: MapQueryPort | null
  /** The one scoring module (shared with the map service). */
  scoring: QueryScoring
  /** A session's manifest: when it was recorded ("last seen 2 minutes ago") and its label classes (calibration). */
  manifest?: (sessionId: string) => Promise<SessionManifest>
  jobs: JobRunner
  data: DataRouter
  paths: ConsolePaths
}

type Input<M extends keyof typeof querySpec> = Parameters<ServiceApi<typeof querySpec>[M]>[0]

/** Bad input from the CLI or a test reads like the host's: invalid_input naming the field. */
function checked<M extends 'frame' | 'search' | 'pixelMatches' | 'saveQuery'>(
  name: M,
  raw: Input<M>,
): z.output<(typeof querySpec)[M]['input']> {
  const result = querySpec[name].input.safeParse(raw)
  if (!result.success) throw new ConsoleError('invalid_input', `query.${name}: ${z.prettifyError(result.error)}`)
  return result.data as z.output<(typeof querySpec)[M]['input']>
}

/** How many remembered phrases a click is compared with (besides the pack's own names). */
const maxClickCandidates = 64

export class QueryService implements ServiceApi<typeof querySpec> {
  private readonly heatmaps: HeatmapCache
  private readonly ahead = new FrameResultsAhead<AskQuery>()
  private readonly store: QueryHistoryStore
  private readonly indexStore: SessionIndexStore
  private indexes: SessionIndexes | null = null

  constructor(private readonly deps: QueryServiceDeps) {
    this.heatmaps = new HeatmapCache(deps.data)
    this.store = new QueryHistoryStore(join(deps.paths.home, 'ask'))
    this.indexStore = new SessionIndexStore(deps.paths.cache)
  }

  // The CLI and tests call the service directly, so each method applies the schema's defaults itself.
  async frame(raw: Input<'frame'>): Promise<FrameQueryResult> {
    const input = checked('frame', raw)
    this.ahead.asked(input)
    return this.ahead.find(input, this.deps.embeddings?.activeModelId() ?? null) ?? this.scoreFrame(input)
  }

  /** A frame the live model just embedded joins its session's Ask index (asking then runs no model). */
  indexLiveFrame(sessionId: string, frameIndex: number, timestampSec: number, map: EmbeddingMap): void {
    const modelId = this.deps.embeddings?.activeModelId()
    const frame = { frameIndex, timestampSec, cells: mapCells(map), dim: map.dim }
    if (modelId) this.sessionIndexes().addLiveFrame(sessionId, modelId, frame)
  }

  /** The live link ended: its Ask index is kept as the session's. */
  endLiveIndex(sessionId: string): Promise<void> {
    return this.sessionIndexes().endLive(sessionId)
  }

  /**
   * Scores a frame just embedded for the queries its session's view asked last (the live view asks
   * every new frame), so the heatmap is ready when the view asks rather than behind the next embedding.
   */
  async scoreAhead(sessionId: string, frameIndex: number): Promise<void> {
    const queries = this.ahead.watching(sessionId)
    if (!queries) return
    const input = { sessionId, frameIndex, queries }
    const result = this.scoreFrame(input)
    this.ahead.keep(input, this.deps.embeddings?.activeModelId() ?? null, result)
    await result
  }

  private async scoreFrame(input: z.output<(typeof querySpec)['frame']['input']>): Promise<FrameQueryResult> {
    const scorer = this.require(this.deps.scorer, 'the inference service (FrameScorer)')
    const scored = await Promise.all(input.queries.map((query) => this.deps.scoring.prepare(query)))
    // One scorer call for every query and its negatives: one embedding read and one MatMul per frame.
    // The index cells are pooled here while that MatMul runs in the native-work process.
    const [all, cells] = await Promise.all([
      scorer.scoreFrame(
        input.sessionId,
        input.frameIndex,
        scored.flatMap((r) => [r.vector, ...r.negatives]),
      ),
      this.embeddings().frameEmbeddings(input.sessionId, input.frameIndex).then(frameCells),
    ])
    const pixels = all.width * all.height
    let row = 0
    const heatmaps = input.queries.map((query, i) => {
      const one = scored[i] as ScoredQuery
      const count = 1 + one.negatives.length
      const scores = { ...all, count, scores: all.scores.subarray(row * pixels, (row + count) * pixels) }
      row += count
      return this.heatmap(one, query, scores, cells)
    })
    return { sessionId: input.sessionId, frameIndex: input.frameIndex, heatmaps }
  }

  private heatmap(scored: ScoredQuery, query: AskQuery, scores: ScoreMaps, cells: SessionQueryIndex): FrameHeatmap {
    const summary = summariseHeatmap(scores, scored.negatives.length, scored.temperature, scored.threshold)
    // "Seen in this frame" is decided on the index cells, exactly as the recording search decides it.
    const [frameBest] = cells.frameRelevancy(scored.vector, scored.negatives, scored.negativesKey, scored.temperature)
    return {
      record: this.record(scored, query),
      heatmapPath: resourcePaths.queryHeatmap(this.heatmaps.put(summary.bytes)),
      width: summary.width,
      height: summary.height,
      maxRelevancy: summary.maxRelevancy,
      maxCosine: summary.maxCosine,
      peak: summary.peak,
      region: summary.region,
      labelAt: summary.labelAt,
      coverage: summary.coverage,
      seen: scored.words.unknown.length === 0 && passes(frameBest ?? 0, scored.threshold),
      words: scored.words,
    }
  }

  async search(raw: Input<'search'>): Promise<SessionSearchResult> {
    const started = performance.now()
    const { sessionId, query, top, minGapSec, withMap, remember } = checked('search', raw)
    const scored = await this.deps.scoring.prepare(query)
    const index = await this.sessionIndexes().ensure(sessionId, scored.modelId)
    const { indexed } = index.data
    const manifest = (await this.deps.manifest?.(sessionId).catch(() => null)) ?? null
    // A frame left out (passed by the live model) is not searched, and its time is the recording's.
    const relevancyByFrame = index
      .frameRelevancy(scored.vector, scored.negatives, scored.negativesKey, scored.temperature)
      .map((relevancy, f) => (indexed[f] === 1 ? relevancy : 0))
    const timestampsSec = Array.from(index.data.timestampsSec, (t, f) =>
      indexed[f] === 1 ? t : (manifest?.frames[f]?.timestampSec ?? t),
    )
    const known = scored.words.unknown.length === 0
    const found = known ? visits(relevancyByFrame, timestampsSec, scored.threshold, visitGapSec) : []
    // A word the model does not know scores frames with a meaningless vector: no moment to show.
    const moments = known ? evidenceMoments(relevancyByFrame, timestampsSec, found, top, minGapSec) : []
    const mapPin = found.length > 0 && withMap ? await this.mapPin(sessionId, scored) : null
    const record = this.record(scored, query)
    const recordedAt = manifest?.createdAt ?? null
    const answer = caregiverAnswer({
      label: scored.label,
      found,
      mapPin,
      words: scored.words,
      recordedAt,
      now: new Date(),
    })
    if (remember)
      await this.store.add({
        sessionId,
        record,
        outcome: { seen: answer.seen, sightings: found.length, bestFrame: answer.bestFrame },
      })
    return {
      record,
      sessionId,
      frameCount: index.data.frameCount,
      relevancyByFrame,
      timestampsSec,
      moments,
      sightings: found,
      answer,
      words: scored.words,
      elapsedMs: performance.now() - started,
    }
  }

  async indexStatus({ sessionId }: Input<'indexStatus'>): Promise<QueryIndexStatus> {
    const frames = this.require(this.deps.frames, 'the recordings service (FrameReader)')
    const frameCount = await frames.frameCount(sessionId)
    const modelId = this.deps.embeddings?.activeModelId() ?? null
    const indexedFrames = modelId ? await this.sessionIndexes().indexedFrames(sessionId, modelId) : 0
    return { sessionId, modelId, frameCount, indexedFrames }
  }

  /**
   * What is at a pixel: the pack's class names and the user's remembered queries, each scored on the
   * index cell under the click with its own negatives and the pack's rule, as the search scores it.
   */
  async pixelMatches(raw: Input<'pixelMatches'>): Promise<PixelMatch[]> {
    const input = checked('pixelMatches', raw)
    const vocabulary = await this.deps.scoring.vocabulary()
    const phrases = [...new Set([...(vocabulary?.names ?? []), ...(await this.rememberedPhrases())])]
    if (phrases.length === 0) return []
    const cells = frameCells(await this.embeddings().frameEmbeddings(input.sessionId, input.frameIndex))
    const { rows, cols } = cells.data.grid
    const cell =
      Math.min(rows - 1, Math.floor(input.yNorm * rows)) * cols + Math.min(cols - 1, Math.floor(input.xNorm * cols))
    const matches = await Promise.all(
      phrases.map(async (label) => {
        const scored = await this.deps.scoring.prepareText(label)
        const { relevancy, cosine } = cells.cellRelevancy(
          scored.vector,
          scored.negatives,
          scored.negativesKey,
          scored.temperature,
        )
        const r = relevancy[cell] as number
        return {
          label,
          cosine: cosine[cell] as number,
          relevancy: r,
          seen: scored.words.unknown.length === 0 && passes(r, scored.threshold),
        }
      }),
    )
    return matches.sort((a, b) => b.relevancy - a.relevancy).slice(0, input.top)
  }

  async calibrate(raw: Input<'calibrate'>): Promise<RelevancyCalibration> {
    const { sessionId, write } = querySpec.calibrate.input.parse(raw)
    const frames = this.require(this.deps.frames, 'the recordings service (FrameReader)')
    const manifest = await this.require(this.deps.manifest ?? null, 'the recordings service (manifests)')(sessionId)
    const vocabulary = await this.deps.scoring.vocabulary()
    if (!vocabulary)
      throw new ConsoleError(
        'unsupported',
        "Calibration needs the pack's class set with text vectors (its vocabulary).",
      )
    const fractions = await labelFractions(frames, manifest, vocabulary.names)
    const index = await this.sessionIndexes().ensure(sessionId, this.deps.scoring.modelId())
    const evidence = []
    for (const name of vocabulary.names) {
      const scored = await this.deps.scoring.prepareText(name, { threshold: null, temperature: null })
      const relevancyByFrame = index.frameRelevancy(
        scored.vector,
        scored.negatives,
        scored.negativesKey,
        scored.temperature,
      )
      const shown = fractions.get(name.toLowerCase())
      const truth = relevancyByFrame.map((_, f) => {
        const fraction = shown?.[f] ?? 0
        return fraction >= shownFraction ? true : fraction >= glimpseFraction ? null : false
      })
      evidence.push({ name, relevancyByFrame, truth })
    }
    const calibration = calibrateThreshold(evidence)
    const temperature = this.deps.scoring.rule().temperature
    const present = calibration.classes.filter((c) => c.present).length
    const rule: RelevancyRule = {
      threshold: calibration.threshold,
      temperature,
      calibratedOn: `${sessionId} (${manifest.frames.length} frames, ${present} classes shown, ${calibration.classes.length - present} absent)`,
      figures: {
        f1: round(calibration.f1),
        precision: round(calibration.precision),
        recall: round(calibration.recall),
      },
    }
    const written = write ? await this.deps.scoring.writeRule(rule) : null
    return { sessionId, modelId: this.deps.scoring.modelId(), temperature, ...calibration, written }
  }

  async rule(): Promise<QueryRule> {
    return { modelId: this.deps.embeddings?.activeModelId() ?? null, ...this.deps.scoring.rule() }
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

  private embeddings(): EmbeddingProvider {
    return this.require(this.deps.embeddings, 'the inference service (EmbeddingProvider)')
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

  private record(scored: ScoredQuery, query: AskQuery): QueryRecord {
    return {
      label: scored.label,
      source: query.source,
      queryText: scored.queryText,
      modelId: scored.modelId,
      promptTemplate: this.deps.prompt?.promptTemplate() ?? null,
      negatives: query.settings.negatives,
      vocabularyNegatives: scored.vocabularyNames,
      temperature: scored.temperature,
      threshold: scored.threshold,
      thresholdMode: scored.thresholdMode,
      createdAt: new Date().toISOString(),
    }
  }

  private async mapPin(sessionId: string, scored: ScoredQuery): Promise<MapPin | null> {
    const hit = this.deps.map ? await this.deps.map.queryMap(sessionId, scored) : null
    return hit ? { worldPoint: hit.worldPoint, nearLabel: hit.nearLabel, nearby: hit.nearby } : null
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

/** A frame's embeddings pooled into the index's cells (a one-frame index), so a frame decides as the search does. */
function frameCells(map: EmbeddingMap): SessionQueryIndex {
  const index = new SessionQueryIndex(emptyIndexData('frame', 'frame', map.dim, 1, defaultGrid))
  index.setFrame(0, 0, mapCells(map))
  return index
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}
