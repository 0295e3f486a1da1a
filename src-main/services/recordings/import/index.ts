/**
 * Recording import entry points used by the `sessions` service: detect what a source looks like and
 * import it into the library as a new session (see docs/IMPORT.md).
 */
import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { ConsoleError, importOptionsSchema, type DetectedFormat, type ImportOptions, type ImportReport } from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import { formatReaders } from './format-readers'
import { decideImport } from './decide-import'
import { PgmByteOrderChoice } from './frame-images'
import type { FormatReader, ImportPlan } from './import-plan'
import { writeSession } from './session-writer'
import { SourceTree } from './source-tree'

async function openSource(sourcePath: string): Promise<SourceTree> {
  const path = resolve(sourcePath)
  const info = await stat(path).catch(() => null)
  if (!info) throw new ConsoleError('not_found', `${path}: no such file or folder.`, { file: path })
  return info.isDirectory() ? new SourceTree(path) : new SourceTree(dirname(path), basename(path))
}

async function detectWith(tree: SourceTree): Promise<Array<{ reader: FormatReader; detected: DetectedFormat }>> {
  const found = await Promise.all(
    formatReaders.map(async (reader) => {
      const detection = await reader.detect(tree)
      return detection ? { reader, detected: { format: reader.format, label: reader.label, ...detection } } : null
    }),
  )
  return found.filter((f) => f !== null).sort((a, b) => b.detected.confidence - a.detected.confidence)
}

/** The formats `sourcePath` looks like, best first; [] when none fits. */
export async function detectFormats(sourcePath: string): Promise<DetectedFormat[]> {
  return (await detectWith(await openSource(sourcePath))).map((d) => d.detected)
}

async function describeUnknown(tree: SourceTree): Promise<ConsoleError> {
  const entries = await tree.list('')
  if (tree.singleFile) return new ConsoleError('unsupported', `${tree.path(tree.singleFile)}: not a recording format the console can import (supported single files: .mcap).`, { file: tree.path(tree.singleFile) })
  if (entries.length === 0) return new ConsoleError('bad_file', `${tree.root}: the folder is empty.`, { file: tree.root })
  const shown = entries.slice(0, 12).map((e) => (e.isDir ? `${e.name}/` : e.name))
  return new ConsoleError(
    'unsupported',
    `${tree.root}: no known RGB-D layout found (it holds ${shown.join(', ')}${entries.length > shown.length ? ', …' : ''}). See docs/IMPORT.md for the supported layouts, or choose "generic" and set the depth unit and intrinsics.`,
    { file: tree.root },
  )
}

export function pgmChoice(options: ImportOptions): PgmByteOrderChoice {
  return new PgmByteOrderChoice(options.pgmByteOrder && options.pgmByteOrder !== 'auto' ? options.pgmByteOrder : null)
}

/** What a source will be read as: the chosen reader's plan, before any image is decoded. */
export interface ReadPlan {
  tree: SourceTree
  reader: FormatReader
  plan: ImportPlan
}

/** Detects (or takes the forced) format and lets its reader parse the source's metadata. */
export async function readImportPlan(sourcePath: string, options: ImportOptions, ctx: JobContext): Promise<ReadPlan> {
  const tree = await openSource(sourcePath)
  const detected = await detectWith(tree)
  const chosen = options.format ? detected.find((d) => d.reader.format === options.format) : detected[0]
  if (!chosen && options.format)
    throw new ConsoleError('unsupported', `${tree.root}: does not look like the "${options.format}" format (what it needs was not found).`, { file: tree.root })
  if (!chosen) throw await describeUnknown(tree)
  ctx.progress(0, 0, `Reading ${chosen.reader.label}`)
  return { tree, reader: chosen.reader, plan: await chosen.reader.plan(tree, options, ctx) }
}

/**
 * Imports `sourcePath` into a new session folder in `libraryDir` (built in `.importing-<id>/`,
 * renamed at the end). The source is only read.
 */
export async function importSession(sourcePath: string, options: ImportOptions, libraryDir: string, ctx: JobContext): Promise<ImportReport> {
  const startedAtMs = Date.now()
  const parsed = importOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConsoleError('invalid_input', `Import options: ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}.`)
  }
  const parsedOptions = parsed.data
  const { tree, reader, plan } = await readImportPlan(sourcePath, parsedOptions, ctx)
  try {
    ctx.throwIfCancelled()
    const name = parsedOptions.name ?? basename(tree.singleFile ? tree.singleFile.replace(/\.[^.]+$/, '') : tree.root)
    const source = tree.singleFile ? tree.path(tree.singleFile) : tree.root
    if (plan.frames.length === 0 && plan.issues.length === 0) throw new ConsoleError('bad_file', `${source}: no frames found.`, { file: source })
    ctx.progress(0, 0, 'Checking depth, poses and order')
    const pgm = pgmChoice(parsedOptions)
    const decided = await decideImport({ plan, formatLabel: reader.label, options: parsedOptions, pgm, sourcePath: source })
    ctx.throwIfCancelled()
    return await writeSession(plan, decided, pgm, { libraryDir, sourcePath: source, format: reader.format, name, options: parsedOptions, startedAtMs }, ctx)
  } finally {
    await plan.close?.()
  }
}
