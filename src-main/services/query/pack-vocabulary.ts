/**
 * The names the active pack knows (its first class set with text vectors), as extra negatives for
 * relevancy. A name whose vector is close to the query (a synonym, or the same thing with an
 * attribute) is left out, so "couch" is not counted against "sofa".
 */
import type { ClassHeadProvider, ClassSetCatalog } from '../ports'

export interface Vocabulary {
  names: string[]
  vectors: Float32Array[]
}

/** Cosine above which a class name counts as the query's own (demo pack: synonyms ≈ 1.0, "red sofa"/"sofa" 0.92, other classes ≤ 0.45). */
export const synonymCosine = 0.8

export type VocabularySource = ClassSetCatalog & ClassHeadProvider

export class PackVocabulary {
  private cached: { modelId: string; vocabulary: Promise<Vocabulary | null> } | null = null

  constructor(private readonly source: () => VocabularySource) {}

  /** The vocabulary of the active pack (null when it has no class set with text vectors). */
  forModel(modelId: string): Promise<Vocabulary | null> {
    // Without a usable class set, relevancy falls back to the canonical negatives alone.
    if (this.cached?.modelId !== modelId) this.cached = { modelId, vocabulary: this.load().catch(() => null) }
    return this.cached.vocabulary
  }

  private async load(): Promise<Vocabulary | null> {
    const source = this.source()
    const set = (await source.classSets()).find((s) => s.modes.includes('text'))
    if (!set) return null
    const head = await source.classHead(set.id, 'text')
    return { names: head.names, vectors: head.weights }
  }
}

/** The vocabulary entries that are not the query itself. */
export function otherNames(vocabulary: Vocabulary, query: Float32Array): Vocabulary {
  const keep = vocabulary.vectors.map((v) => dot(v, query) < synonymCosine)
  return { names: vocabulary.names.filter((_, i) => keep[i]), vectors: vocabulary.vectors.filter((_, i) => keep[i]) }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}
