/**
 * The class-set file (docs/FORMATS.md §3): `<name>.json` with `.npy` arrays beside it. Reading checks
 * everything a later step would trip over: duplicate class names, empty classes, matrices whose
 * shape does not match the classes or `embeddingDim`.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { ConsoleError, classDefSchema, type ClassDef } from '../../contract'
import { readNpyFloat32 } from '../segmentation/npy-float32'
import { writeJsonAtomic } from '../../platform/atomic-write'
import { writeNpyFloat32 } from './npy-float32-writer'
import { parseJsonQuietly } from '../security/quiet-json'

export const classSetFileSchema = z.object({
  format: z.literal('dve-class-set'),
  version: z.literal(1),
  name: z.string().min(1),
  embeddingDim: z.number().int().positive().optional(),
  /** Empty only for a user set just created (its classes are added in the editor). */
  classes: z.array(classDefSchema),
  visualMeans: z.string().min(1).optional(),
  probe: z.object({ weights: z.string().min(1), bias: z.string().min(1).optional() }).optional(),
})
export type ClassSetFile = z.infer<typeof classSetFileSchema>

/** Rows of a (C, D) matrix, one Float32Array per class. */
export interface ClassMatrices {
  means: Float32Array[] | null
  probe: { weights: Float32Array[]; bias: Float32Array | null } | null
}

export interface LoadedClassSetFile {
  path: string
  file: ClassSetFile
}

export async function readClassSetFile(path: string): Promise<LoadedClassSetFile> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new ConsoleError('not_found', `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
  })
  const json = parseJsonQuietly(text, path)
  const parsed = classSetFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError('bad_file', `${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}.`)
  }
  checkClasses(parsed.data.classes, path)
  return { path, file: parsed.data }
}

/** Conflicting names or hotkeys are refused rather than one class silently shadowing another. */
export function checkClasses(classes: ClassDef[], where: string): void {
  const names = new Map<string, number>()
  const hotkeys = new Map<number, number>()
  classes.forEach((c, index) => {
    const key = c.name.trim().toLowerCase()
    const other = names.get(key)
    if (other !== undefined)
      throw new ConsoleError('conflict', `${where}: classes ${other + 1} and ${index + 1} are both named "${c.name}".`)
    names.set(key, index)
    if (c.hotkey !== null) {
      const taken = hotkeys.get(c.hotkey)
      if (taken !== undefined)
        throw new ConsoleError(
          'conflict',
          `${where}: hotkey ${c.hotkey} is used by "${classes[taken]?.name}" and "${c.name}".`,
        )
      hotkeys.set(c.hotkey, index)
    }
  })
}

export async function readClassMatrices({ path, file }: LoadedClassSetFile): Promise<ClassMatrices> {
  const classCount = file.classes.length
  const readRows = async (relative: string, label: string): Promise<Float32Array[]> => {
    const matrix = await readNpyFloat32(join(dirname(path), relative))
    if (matrix.rows !== classCount)
      throw new ConsoleError(
        'bad_file',
        `${relative}: ${matrix.rows} ${label} rows for the ${classCount} classes of ${path}.`,
      )
    if (file.embeddingDim !== undefined && matrix.cols !== file.embeddingDim) {
      throw new ConsoleError(
        'bad_file',
        `${relative}: ${label} of dimension ${matrix.cols}, but ${path} says embeddingDim ${file.embeddingDim}.`,
      )
    }
    return Array.from({ length: matrix.rows }, (_, k) => matrix.data.slice(k * matrix.cols, (k + 1) * matrix.cols))
  }
  const means = file.visualMeans ? await readRows(file.visualMeans, 'visual-mean') : null
  let probe: ClassMatrices['probe'] = null
  if (file.probe) {
    const weights = await readRows(file.probe.weights, 'probe')
    const bias = file.probe.bias ? (await readNpyFloat32(join(dirname(path), file.probe.bias))).data : null
    if (bias && bias.length !== classCount)
      throw new ConsoleError(
        'bad_file',
        `${file.probe.bias}: ${bias.length} bias values for the ${classCount} classes of ${path}.`,
      )
    probe = { weights, bias }
  }
  return { means, probe }
}

/** Writes `<base>.json` and its `.npy` files into `dir`; returns the paths written. */
export async function writeClassSetFile(
  dir: string,
  base: string,
  name: string,
  classes: ClassDef[],
  matrices: ClassMatrices,
): Promise<string[]> {
  const dim = matrices.means?.[0]?.length ?? matrices.probe?.weights[0]?.length
  const file: ClassSetFile = {
    format: 'dve-class-set',
    version: 1,
    name,
    ...(dim ? { embeddingDim: dim } : {}),
    classes,
  }
  // Each array is written atomically, all at once (a retrain after every stroke waits for them).
  const arrays: Array<{ relative: string; data: Float32Array; shape: number[] }> = []
  const rowsArray = (suffix: string, rows: Float32Array[]): string => {
    const flat = new Float32Array(rows.length * (dim ?? 0))
    rows.forEach((row, k) => flat.set(row, k * (dim ?? 0)))
    const relative = `${base}.${suffix}.npy`
    arrays.push({ relative, data: flat, shape: [rows.length, dim ?? 0] })
    return relative
  }
  if (matrices.means) file.visualMeans = rowsArray('means', matrices.means)
  if (matrices.probe) {
    const weights = rowsArray('probe', matrices.probe.weights)
    const { bias } = matrices.probe
    if (bias) arrays.push({ relative: `${base}.probe-bias.npy`, data: bias, shape: [bias.length] })
    file.probe = bias ? { weights, bias: `${base}.probe-bias.npy` } : { weights }
  }
  await Promise.all(arrays.map(({ relative, data, shape }) => writeNpyFloat32(join(dir, relative), data, shape)))
  // The JSON last: it only ever names arrays that are already complete on disk.
  await writeJsonAtomic(join(dir, `${base}.json`), file)
  return [...arrays.map(({ relative }) => join(dir, relative)), join(dir, `${base}.json`)]
}
