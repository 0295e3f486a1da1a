/**
 * Every class set the console knows: the built-in dataset lists, the active model pack's sets
 * (read-only) and the user's own under `<home>/class-sets/<id>/<id>.json` (+ `.npy`), written
 * atomically. User sets carry the probe and visual means trained from labels.
 */
import { readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { existsSync } from 'node:fs'
import { ConsoleError, type ClassDef, type ClassSetSource } from '../../contract'
import type { ModelPackProvider } from '../ports'
import { builtinClassSets } from './builtin-class-sets'
import {
  checkClasses,
  readClassMatrices,
  readClassSetFile,
  writeClassSetFile,
  type ClassMatrices,
  type LoadedClassSetFile,
} from './class-set-file'

export interface StoredClassSet {
  id: string
  name: string
  source: ClassSetSource
  classes: ClassDef[]
  embeddingDim: number | null
  hasMeans: boolean
  hasProbe: boolean
  /** The file it came from; null for built-in sets. */
  file: LoadedClassSetFile | null
}

const noMatrices: ClassMatrices = { means: null, probe: null }

/** A class-set file that could not be read: left out of the list, named with what is wrong. */
export interface ClassSetProblem {
  file: string
  problem: string
}

export class ClassSetStore {
  private readonly matrixCache = new Map<string, Promise<ClassMatrices>>()
  /** Damaged files found by the last listing; they affect nothing but themselves. */
  private lastProblems: ClassSetProblem[] = []

  constructor(private readonly deps: { dir: string; packs: ModelPackProvider }) {
    deps.packs.onActivePackChanged(() => this.matrixCache.clear())
  }

  async list(): Promise<StoredClassSet[]> {
    const builtin: StoredClassSet[] = builtinClassSets.map((s) => ({
      id: s.id,
      name: s.name,
      source: 'builtin',
      classes: s.classes,
      embeddingDim: null,
      hasMeans: false,
      hasProbe: false,
      file: null,
    }))
    const problems: ClassSetProblem[] = []
    const sets = [...builtin, ...(await this.packSets(problems)), ...(await this.userSets(problems))]
    this.lastProblems = problems
    return sets
  }

  /** Class-set files that are damaged, each with its path and what is wrong. */
  async problems(): Promise<ClassSetProblem[]> {
    await this.list()
    return this.lastProblems
  }

  async get(id: string): Promise<StoredClassSet> {
    const set = (await this.list()).find((s) => s.id === id)
    if (!set) throw new ConsoleError('not_found', `No class set "${id}" (see \`dve classes list\`).`)
    return set
  }

  /** A user set, or a clear refusal for the read-only ones. */
  async getWritable(id: string): Promise<StoredClassSet> {
    const set = await this.get(id)
    if (set.source !== 'user')
      throw new ConsoleError(
        'unsupported',
        `Class set "${set.name}" is read-only (${set.source === 'builtin' ? 'built in' : 'from the model pack'}); duplicate it to edit it.`,
      )
    return set
  }

  matrices(set: StoredClassSet): Promise<ClassMatrices> {
    if (!set.file) return Promise.resolve(noMatrices)
    const key = set.file.path
    let cached = this.matrixCache.get(key)
    if (!cached) {
      cached = readClassMatrices(set.file)
      cached.catch(() => this.matrixCache.delete(key))
      this.matrixCache.set(key, cached)
    }
    return cached
  }

  /** Writes a user set (new or replaced). */
  async save(id: string, name: string, classes: ClassDef[], matrices: ClassMatrices): Promise<StoredClassSet> {
    checkClasses(classes, `class set "${name}"`)
    const dir = join(this.deps.dir, id)
    await writeClassSetFile(dir, id, name, classes, matrices)
    this.matrixCache.delete(join(dir, `${id}.json`))
    return this.get(id)
  }

  async remove(id: string): Promise<void> {
    await this.getWritable(id)
    this.matrixCache.delete(join(this.deps.dir, id, `${id}.json`))
    await rm(join(this.deps.dir, id), { recursive: true, force: true })
  }

  /** A fresh folder-safe id for a user set named `name`. */
  async newId(name: string): Promise<string> {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'classes'
    const taken = new Set((await this.list()).map((s) => s.id))
    let id = `user-${slug}`
    for (let n = 2; taken.has(id) || existsSync(join(this.deps.dir, id)); n++) id = `user-${slug}-${n}`
    return id
  }

  private async packSets(problems: ClassSetProblem[]): Promise<StoredClassSet[]> {
    const pack = this.deps.packs.activePack()
    if (!pack) return []
    const sets = await Promise.all(
      pack.manifest.classSets.map((relative) =>
        readIsolated(join(pack.dir, relative), problems, (loaded) =>
          fromFile(basename(relative).replace(/\.json$/i, ''), 'pack', loaded),
        ),
      ),
    )
    return sets.filter((s): s is StoredClassSet => s !== null)
  }

  private async userSets(problems: ClassSetProblem[]): Promise<StoredClassSet[]> {
    const ids = await readdir(this.deps.dir).catch(() => [] as string[])
    const sets = await Promise.all(
      ids
        .filter((id) => !id.startsWith('.'))
        .sort()
        .map(async (id) => {
          const path = join(this.deps.dir, id, `${id}.json`)
          return existsSync(path) ? readIsolated(path, problems, (loaded) => fromFile(id, 'user', loaded)) : null
        }),
    )
    return sets.filter((s): s is StoredClassSet => s !== null)
  }
}

/** One file's set, or null with its problem noted: one damaged file must not take the others down. */
async function readIsolated(
  path: string,
  problems: ClassSetProblem[],
  make: (loaded: LoadedClassSetFile) => StoredClassSet,
): Promise<StoredClassSet | null> {
  try {
    return make(await readClassSetFile(path))
  } catch (error) {
    problems.push({ file: path, problem: error instanceof Error ? error.message : String(error) })
    return null
  }
}

function fromFile(id: string, source: ClassSetSource, loaded: LoadedClassSetFile): StoredClassSet {
  const { file } = loaded
  return {
    id,
    name: file.name,
    source,
    classes: file.classes,
    embeddingDim: file.embeddingDim ?? null,
    hasMeans: file.visualMeans !== undefined,
    hasProbe: file.probe !== undefined,
    file: loaded,
  }
}
