/**
 * The one place a query becomes a decision (docs/QUERY.md). Frame heatmaps, the recording search,
 * click matches and the map all resolve a query here: the same query vector, the same negatives
 * (typed ones plus the pack's vocabulary, minus the query's own synonyms), the same temperature and
 * the same threshold, which comes from the pack's calibration (model.json `relevancy`).
 * Relevancy ≥ threshold means "seen"; callers apply it to their own units (an index cell, a voxel).
 */
import {
  ConsoleError,
  defaultRelevancyThreshold,
  defaultTemperature,
  querySettingsSchema,
  type AskQuery,
  type QuerySettings,
  type QueryWords,
  type RelevancyRule,
} from '../../contract'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { writeJsonAtomic } from '../../platform/atomic-write'
import type { EmbeddingProvider, ModelPackProvider } from '../ports'
import { PackVocabulary, type Vocabulary, type VocabularySource } from './pack-vocabulary'
import { checkWords, PackWords } from './query-words'
import { QueryVectors, type ResolvedQuery } from './query-vectors'

export { relevancyInPlace, relevancyOf } from './relevancy'

/** The rule in force: the pack's calibration, or the defaults for an uncalibrated pack. */
export interface ActiveRule {
  threshold: number
  temperature: number
  calibrated: boolean
  calibratedOn: string
}

/** A query ready to score: vectors, negatives, and the rule that decides. */
export interface ScoredQuery extends ResolvedQuery {
  modelId: string
  temperature: number
  threshold: number
  thresholdMode: 'fixed' | 'pack'
  words: QueryWords
}

export interface QueryScoringDeps {
  embeddings: EmbeddingProvider | null
  /** The active pack's class sets (vocabulary negatives); null = typed negatives only. */
  vocabulary: (() => VocabularySource) | null
  /** The active pack (its calibrated rule, its tokenizer's words, its own class sets). */
  packs: ModelPackProvider | null
}

export function ruleOf(rule: RelevancyRule | null | undefined): ActiveRule {
  return rule
    ? { threshold: rule.threshold, temperature: rule.temperature, calibrated: true, calibratedOn: rule.calibratedOn }
    : { threshold: defaultRelevancyThreshold, temperature: defaultTemperature, calibrated: false, calibratedOn: '' }
}

/** The decision every view shares. */
export function passes(relevancy: number, threshold: number): boolean {
  return relevancy >= threshold
}

export class QueryScoring {
  private vectorCache: QueryVectors | null = null
  private readonly packVocabulary: PackVocabulary | null
  private readonly packWords: PackWords

  constructor(private readonly deps: QueryScoringDeps) {
    this.packVocabulary = deps.vocabulary ? new PackVocabulary(deps.vocabulary, deps.packs) : null
    this.packWords = new PackWords(deps.packs)
  }

  /** The active model's id; a clear error when no pack is loaded. */
  modelId(): string {
    const modelId = this.embeddings().activeModelId()
    if (!modelId)
      throw new ConsoleError(
        'model_error',
        'Queries need a model pack: load one in the Models view (or `dve models use <pack>`).',
      )
    return modelId
  }

  rule(): ActiveRule {
    return ruleOf(this.deps.packs?.activePack()?.manifest.relevancy)
  }

  vectors(): QueryVectors {
    this.vectorCache ??= new QueryVectors(this.embeddings())
    return this.vectorCache
  }

  vocabulary(): Promise<Vocabulary | null> {
    return this.packVocabulary?.forModel(this.modelId()) ?? Promise.resolve(null)
  }

  /** Known / unknown words of a typed text, with a suggestion from the pack's vocabulary. */
  async words(text: string): Promise<QueryWords> {
    const [known, vocabulary] = await Promise.all([this.packWords.known(), this.vocabulary()])
    return checkWords(text, known, vocabulary?.names ?? [])
  }

  async prepare(query: AskQuery): Promise<ScoredQuery> {
    const modelId = this.modelId()
    const source = query.source
    const words = source.kind === 'text' ? await this.words(source.text) : { unknown: [], suggestion: null }
    // Misspelt question words only ("whre is the sofa"): embed the corrected phrase, not the typo.
    const corrected =
      source.kind === 'text' && words.unknown.length === 0 && words.suggestion
        ? { ...query, source: { kind: 'text' as const, text: words.suggestion } }
        : query
    const resolved = await this.vectors().resolve(corrected, modelId, await this.vocabulary())
    return { ...resolved, modelId, ...this.decisionRule(query.settings), words }
  }

  /** A text query with default settings except those given (the map view, the CLI, click matches). */
  prepareText(text: string, settings: Partial<QuerySettings> = {}): Promise<ScoredQuery> {
    return this.prepare({ source: { kind: 'text', text }, settings: querySettingsSchema.parse(settings) })
  }

  /** Stores a calibrated rule in the active pack's model.json (atomically; other fields kept as they are). */
  async writeRule(rule: RelevancyRule): Promise<string> {
    const pack = this.deps.packs?.activePack()
    if (!pack) throw new ConsoleError('model_error', 'No active model pack to store the calibration in.')
    const path = join(pack.dir, 'model.json')
    const json = z.record(z.string(), z.unknown()).parse(JSON.parse(await readFile(path, 'utf8')))
    await writeJsonAtomic(path, { ...json, relevancy: rule })
    return path
  }

  private decisionRule(settings: QuerySettings): {
    temperature: number
    threshold: number
    thresholdMode: 'fixed' | 'pack'
  } {
    const rule = this.rule()
    return {
      temperature: settings.temperature ?? rule.temperature,
      threshold: settings.threshold ?? rule.threshold,
      thresholdMode: settings.threshold === null ? 'pack' : 'fixed',
    }
  }

  private embeddings(): EmbeddingProvider {
    if (!this.deps.embeddings)
      throw new ConsoleError(
        'unsupported',
        'Queries need the inference service (EmbeddingProvider), which this build has not wired yet.',
      )
    return this.deps.embeddings
  }
}
