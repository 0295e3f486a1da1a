/**
 * The names the active pack knows (its own class set with text vectors), as extra negatives for
 * relevancy. A name whose vector is close to the query (a synonym, or the same thing with an
 * attribute) is left out, so "couch" is not counted against "sofa".
 */
import { basename } from 'node:path'
import type { ClassHeadProvider, ClassSetCatalog, ModelPackProvider } from '../ports'

export interface Vocabulary {
  names: string[]
  vectors: Float32Array[]
}

/** Cosine above which a class name counts as the query's own (demo pack: synonyms ≈ 1.0, "red sofa"/"sofa" 0.92, other classes ≤ 0.45). */
export const synonymCosine = 0.8

export type VocabularySource = ClassSetCatalog & ClassHeadProvider

export class PackVocabulary {
  private cached: { modelId: string; vocabulary: Promise<Vocabulary | null> } | null = null

  constructor(
    private readonly source: () => VocabularySource,
    private readonly packs: ModelPackProvider | null,
  ) {}

  /** The vocabulary of the active pack (null when it has no class set with text vectors). */
  forModel(modelId: string): Promise<Vocabulary | null> {
    // Without a usable class set, relevancy falls back to the canonical negatives alone.
    if (this.cached?.modelId !== modelId) this.cached = { modelId, vocabulary: this.load().catch(() => null) }
    return this.cached.vocabulary
  }

  private async load(): Promise<Vocabulary | null> {
    const source = this.source()
    // The names the model was trained on come first: the pack's own class sets (their ids are the
    // file names, as the classes service lists them), then any other set with text vectors.
    const packSetIds =
      this.packs?.activePack()?.manifest.classSets.map((file) => basename(file).replace(/\.json$/i, '')) ?? []
    const withText = (await source.classSets()).filter((s) => s.modes.includes('text'))
    const set = withText.find((s) => packSetIds.includes(s.id)) ?? withText[0]
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
