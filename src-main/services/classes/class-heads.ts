/**
 * The rows a class set scores pixels against, per mode (ClassHeadProvider): text = normalised mean
 * of the prompts' embeddings through the pack's template, mean = the visual means, probe = weights
 * plus bias. Also the catalog of sets with the modes each can run (ClassSetCatalog).
 */
import { ConsoleError, type SegmentationModeName } from '../../contract'
import type {
  ClassHead,
  ClassHeadProvider,
  ClassSetCatalog,
  EmbeddingProvider,
  ModelPackProvider,
  SegmentationMode,
} from '../ports'
import type { ClassSetStore, StoredClassSet } from './class-set-store'

export function modesOf(set: StoredClassSet, hasTextTower: boolean): SegmentationModeName[] {
  return [
    ...(hasTextTower ? (['text'] as const) : []),
    ...(set.hasMeans ? (['mean'] as const) : []),
    ...(set.hasProbe ? (['probe'] as const) : []),
  ]
}

export class ClassHeads implements ClassHeadProvider, ClassSetCatalog {
  private readonly textRows = new Map<string, Promise<Float32Array[]>>()

  constructor(
    private readonly deps: { store: ClassSetStore; embeddings: EmbeddingProvider; packs: ModelPackProvider },
  ) {}

  async classSets(): Promise<Array<{ id: string; name: string; classCount: number; modes: SegmentationMode[] }>> {
    const hasText = this.deps.packs.activePack()?.manifest.text != null
    return (await this.deps.store.list()).map((s) => ({
      id: s.id,
      name: s.name,
      classCount: s.classes.length,
      modes: modesOf(s, hasText),
    }))
  }

  async classHead(classSetId: string, mode: SegmentationMode): Promise<ClassHead> {
    const set = await this.deps.store.get(classSetId)
    const base = { classSetId, mode, names: set.classes.map((c) => c.name), colors: set.classes.map((c) => c.color) }
    if (mode === 'text') return { ...base, weights: await this.textHead(set), bias: null }
    const matrices = await this.deps.store.matrices(set)
    const rows = mode === 'mean' ? matrices.means : matrices.probe?.weights
    if (!rows) {
      const how = mode === 'mean' ? 'compute visual means from labels' : 'train a probe on labels'
      throw new ConsoleError(
        'not_found',
        `Class set "${set.name}" has no ${mode === 'mean' ? 'visual means' : 'probe'} yet: ${how} first (Classes view or \`dve classes\`).`,
      )
    }
    const modelDim = this.deps.packs.activePack()?.manifest.image.embeddingDim
    const dim = rows[0]?.length ?? 0
    if (modelDim !== undefined && dim !== modelDim) {
      throw new ConsoleError(
        'invalid_input',
        `Class set "${set.name}": its ${mode === 'mean' ? 'visual means have' : 'probe has'} dimension ${dim}, but the active model "${this.deps.packs.activePack()?.id}" embeds in ${modelDim}.`,
      )
    }
    if (mode === 'mean') return { ...base, weights: rows.map((r) => normalisedMean([r])), bias: null }
    return { ...base, weights: rows, bias: matrices.probe?.bias ?? null }
  }

  private textHead(set: StoredClassSet): Promise<Float32Array[]> {
    const key = `${this.deps.embeddings.activeModelId() ?? ''}\n${JSON.stringify(set.classes.map((c) => (c.prompts.length ? c.prompts : [c.name])))}`
    let rows = this.textRows.get(key)
    if (!rows) {
      rows = Promise.all(
        set.classes.map(async (c) =>
          normalisedMean(await this.deps.embeddings.textEmbeddings(c.prompts.length ? c.prompts : [c.name])),
        ),
      )
      rows.catch(() => this.textRows.delete(key))
      this.textRows.set(key, rows)
    }
    return rows
  }
}

/** The L2-normalised mean of some rows (a class's text vector is the mean of its prompts). */
export function normalisedMean(rows: Float32Array[]): Float32Array {
  const dim = rows[0]?.length ?? 0
  const out = new Float32Array(dim)
  for (const row of rows) for (let i = 0; i < dim; i++) out[i] = (out[i] as number) + (row[i] as number)
  let norm = 0
  for (let i = 0; i < dim; i++) norm += (out[i] as number) ** 2
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
  for (let i = 0; i < dim; i++) out[i] = (out[i] as number) * scale
  return out
}
