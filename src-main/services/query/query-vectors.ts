/**
 * Turns a query into unit vectors: text through the pack's text tower (cached per model, so typing
 * and negatives cost one encode each), regions through the frame's embeddings.
 */
import type { AskQuery } from '../../contract'
import type { EmbeddingProvider } from '../ports'
import { boxEmbedding } from './embedding-pooling'
import { otherNames, type Vocabulary } from './pack-vocabulary'
import { cleanQueryText } from './query-text'

export interface ResolvedQuery {
  label: string
  queryText: string | null
  vector: Float32Array
  /** The typed negatives, then the vocabulary names used. */
  negatives: Float32Array[]
  vocabularyNames: string[]
  /** Identifies the negative set (model + texts) for caches. */
  negativesKey: string
}

const maxCachedTexts = 512

export class QueryVectors {
  private readonly textCache = new Map<string, Float32Array>()

  constructor(private readonly embeddings: EmbeddingProvider) {}

  /** Embeddings of texts (prompt template applied by the provider), from cache where possible. */
  async texts(texts: string[], modelId: string): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.textCache.has(`${modelId}\u0000${t}`)))]
    if (missing.length > 0) {
      const vectors = await this.embeddings.textEmbeddings(missing)
      missing.forEach((text, i) => this.remember(`${modelId}\u0000${text}`, vectors[i] as Float32Array))
    }
    return texts.map((t) => this.textCache.get(`${modelId}\u0000${t}`) as Float32Array)
  }

  async resolve(query: AskQuery, modelId: string, vocabulary: Vocabulary | null): Promise<ResolvedQuery> {
    const { label, queryText, vector } = await this.queryVector(query, modelId)
    const others =
      vocabulary && query.settings.vocabularyNegatives ? otherNames(vocabulary, vector) : { names: [], vectors: [] }
    const negatives = [...(await this.texts(query.settings.negatives, modelId)), ...others.vectors]
    const negativesKey = [modelId, ...query.settings.negatives, '|', ...others.names].join('\u0000')
    return { label, queryText, vector, negatives, vocabularyNames: others.names, negativesKey }
  }

  private async queryVector(
    query: AskQuery,
    modelId: string,
  ): Promise<{ label: string; queryText: string | null; vector: Float32Array }> {
    const source = query.source
    if (source.kind === 'text') {
      const queryText = cleanQueryText(source.text)
      const [vector] = await this.texts([queryText], modelId)
      return { label: queryText, queryText, vector: vector as Float32Array }
    }
    const map = await this.embeddings.frameEmbeddings(source.sessionId, source.frameIndex)
    const label = `like frame ${source.frameIndex} at (${Math.round((100 * (source.box.x0 + source.box.x1)) / 2)}%, ${Math.round((100 * (source.box.y0 + source.box.y1)) / 2)}%)`
    return { label, queryText: null, vector: boxEmbedding(map, source.box) }
  }

  private remember(key: string, vector: Float32Array): void {
    if (this.textCache.size >= maxCachedTexts) this.textCache.delete(this.textCache.keys().next().value as string)
    this.textCache.set(key, vector)
  }
}
