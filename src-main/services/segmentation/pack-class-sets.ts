/**
 * Class heads from the active model pack's class sets (docs/FORMATS.md §3): text rows from the
 * prompts, visual means and probe weights from the `.npy` files beside the JSON. The classes service
 * (services/classes/) will own class sets, labels and probe training; segmentation only needs these
 * two ports, so this reader stands in for it until then.
 */
import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { ConsoleError } from '../../contract'
import type { ClassHead, ClassHeadProvider, ClassSetCatalog, EmbeddingProvider, ModelPackProvider, SegmentationMode } from '../ports'
import { readNpyFloat32 } from './npy-float32'

const rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])
const classSetSchema = z.object({
  format: z.literal('dve-class-set'),
  version: z.literal(1),
  name: z.string().min(1),
  embeddingDim: z.number().int().positive().optional(),
  classes: z.array(z.object({ name: z.string().min(1), color: rgb, prompts: z.array(z.string().min(1)).default([]) })).min(1),
  visualMeans: z.string().min(1).optional(),
  probe: z.object({ weights: z.string().min(1), bias: z.string().min(1).optional() }).optional(),
})
type ClassSetFile = z.infer<typeof classSetSchema>

interface LoadedSet {
  id: string
  path: string
  file: ClassSetFile
}

export class PackClassSets implements ClassHeadProvider, ClassSetCatalog {
  private readonly heads = new Map<string, Promise<ClassHead>>()

  constructor(private readonly deps: { packs: ModelPackProvider; embeddings: EmbeddingProvider }) {
    deps.packs.onActivePackChanged(() => this.heads.clear())
  }

  async classSets(): Promise<Array<{ id: string; name: string; classCount: number; modes: SegmentationMode[] }>> {
    const sets = await this.loadAll()
    const hasTextTower = this.deps.packs.activePack()?.manifest.text != null
    return sets.map(({ id, file }) => ({
      id, name: file.name, classCount: file.classes.length,
      modes: [...(hasTextTower ? (['text'] as const) : []), ...(file.visualMeans ? (['mean'] as const) : []), ...(file.probe ? (['probe'] as const) : [])],
    }))
  }

  classHead(classSetId: string, mode: SegmentationMode): Promise<ClassHead> {
    const key = `${this.deps.packs.activePack()?.id ?? ''}\n${classSetId}\n${mode}`
    let head = this.heads.get(key)
    if (!head) {
      head = this.buildHead(classSetId, mode)
      head.catch(() => this.heads.delete(key))
      this.heads.set(key, head)
    }
    return head
  }

  private async buildHead(classSetId: string, mode: SegmentationMode): Promise<ClassHead> {
    const set = (await this.loadAll()).find((s) => s.id === classSetId)
    if (!set) throw new ConsoleError('not_found', `Class set "${classSetId}" is not in the active model pack.`)
    const { file, path } = set
    const base = { classSetId, mode, names: file.classes.map((c) => c.name), colors: file.classes.map((c) => c.color) }
    if (mode === 'text') {
      const rows = await Promise.all(file.classes.map(async (c) => meanUnit(await this.deps.embeddings.textEmbeddings(c.prompts.length ? c.prompts : [c.name]))))
      return { ...base, weights: rows, bias: null }
    }
    const matrixFile = mode === 'mean' ? file.visualMeans : file.probe?.weights
    if (!matrixFile) throw new ConsoleError('not_found', `${path}: class set "${file.name}" has no ${mode === 'mean' ? 'visualMeans' : 'probe'} for ${mode} mode.`)
    const matrix = await readNpyFloat32(join(dirname(path), matrixFile))
    if (matrix.rows !== file.classes.length) {
      throw new ConsoleError('bad_file', `${matrixFile}: ${matrix.rows} rows for the ${file.classes.length} classes of ${basename(path)}.`)
    }
    const rows = Array.from({ length: matrix.rows }, (_, k) => matrix.data.slice(k * matrix.cols, (k + 1) * matrix.cols))
    if (mode === 'mean') return { ...base, weights: rows.map((r) => meanUnit([r])), bias: null }
    const biasFile = file.probe?.bias
    const bias = biasFile ? (await readNpyFloat32(join(dirname(path), biasFile))).data : null
    if (bias && bias.length !== matrix.rows) throw new ConsoleError('bad_file', `${biasFile}: ${bias.length} values for ${matrix.rows} classes.`)
    return { ...base, weights: rows, bias }
  }

  private async loadAll(): Promise<LoadedSet[]> {
    const pack = this.deps.packs.activePack()
    if (!pack) return []
    return Promise.all(pack.manifest.classSets.map(async (relative) => {
      const path = join(pack.dir, relative)
      const text = await readFile(path, 'utf8').catch(() => {
        throw new ConsoleError('not_found', `${path}: class set listed in ${pack.id}/model.json is missing.`)
      })
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw new ConsoleError('bad_file', `${path}: not JSON (${error instanceof Error ? error.message : String(error)}).`)
      }
      const parsed = classSetSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new ConsoleError('bad_file', `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}.`)
      }
      return { id: basename(relative).replace(/\.json$/i, ''), path, file: parsed.data }
    }))
  }
}

/** The normalised mean of some rows (a class's text vector is the mean of its prompts). */
function meanUnit(rows: Float32Array[]): Float32Array {
  const dim = rows[0]?.length ?? 0
  const out = new Float32Array(dim)
  for (const row of rows) for (let i = 0; i < dim; i++) out[i] = (out[i] as number) + (row[i] as number)
  let norm = 0
  for (let i = 0; i < dim; i++) norm += (out[i] as number) ** 2
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
  for (let i = 0; i < dim; i++) out[i] = (out[i] as number) * scale
  return out
}
