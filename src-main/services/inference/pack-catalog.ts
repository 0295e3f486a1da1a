/**
 * Finds model packs: every folder with a `model.json` in the shipped and the user models folders.
 * Each manifest is parsed and zod-validated here; problems become messages naming the file, the
 * line (for JSON syntax) or the field.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { modelManifestSchema, type ModelManifest } from '../../contract'
import { describeJsonSyntaxError, describeZodIssues } from './manifest-errors'

export interface PackEntry {
  id: string
  dir: string
  source: 'shipped' | 'user'
  manifest: ModelManifest | null
  errors: string[]
  /** Changes whenever the manifest or an ONNX file changes: part of the cache key. */
  fingerprint: string
}

/** Cache key of a pack's outputs: changes when its files change. */
export function modelIdOf(entry: PackEntry): string {
  return `${entry.id}-${entry.fingerprint}`
}

export async function scanPacks(roots: Array<{ dir: string; source: PackEntry['source'] }>): Promise<PackEntry[]> {
  const packs: PackEntry[] = []
  for (const root of roots) {
    let names: string[]
    try {
      names = (await readdir(root.dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    } catch {
      continue // a missing models folder just has no packs
    }
    for (const name of names) {
      const dir = join(root.dir, name)
      if (!existsSync(join(dir, 'model.json'))) continue
      const entry = await readPack(name, dir, root.source)
      if (packs.some((p) => p.id === entry.id)) {
        entry.errors.push(
          `${join(dir, 'model.json')}: a pack with id "${name}" already exists in the shipped models; rename this folder.`,
        )
        entry.id = `${root.source}-${name}`
      }
      packs.push(entry)
    }
  }
  return packs
}

export async function readPack(id: string, dir: string, source: PackEntry['source']): Promise<PackEntry> {
  const file = join(dir, 'model.json')
  const entry: PackEntry = { id, dir, source, manifest: null, errors: [], fingerprint: '' }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    entry.errors.push(`${file}: cannot be read (${error instanceof Error ? error.message : String(error)}).`)
    return entry
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    entry.errors.push(describeJsonSyntaxError(file, text, error))
    return entry
  }
  const parsed = modelManifestSchema.safeParse(json)
  if (!parsed.success) {
    entry.errors.push(...describeZodIssues(file, text, parsed.error.issues))
    return entry
  }
  entry.manifest = parsed.data
  // The relevancy rule does not change any embedding: recalibrating must not orphan caches and maps.
  const { relevancy, ...embeddingFields } = json as Record<string, unknown>
  const hash = createHash('sha256').update(relevancy === undefined ? text : JSON.stringify(embeddingFields))
  for (const relative of referencedFiles(parsed.data)) {
    const path = join(dir, relative.file)
    try {
      const info = await stat(path)
      hash.update(`${relative.file}:${info.size}:${info.mtimeMs}`)
    } catch {
      entry.errors.push(`${file}: ${relative.field} names "${relative.file}", which does not exist in ${dir}.`)
    }
  }
  entry.fingerprint = hash.digest('hex').slice(0, 10)
  return entry
}

function referencedFiles(manifest: ModelManifest): Array<{ field: string; file: string }> {
  const files = [{ field: 'image.onnx', file: manifest.image.onnx }]
  if (manifest.text)
    files.push(
      { field: 'text.onnx', file: manifest.text.onnx },
      { field: 'text.tokenizer', file: manifest.text.tokenizer },
    )
  manifest.classSets.forEach((file, i) => files.push({ field: `classSets[${i}]`, file }))
  return files
}
