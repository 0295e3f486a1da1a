/**
 * Opening a source and reading it as a plan: detection (every reader scores the folder), the chosen
 * reader's metadata pass, and the PGM byte-order choice shared by the decisions and the writer.
 */
import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { ConsoleError, type DetectedFormat, type ImportOptions } from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import { PgmByteOrderChoice } from './frame-images'
import { formatReaders } from './format-readers'
import type { FormatReader, ImportPlan } from './import-plan'
import { attachLabelImages } from './label-layouts'
import { SourceTree } from './source-tree'

async function openSource(sourcePath: string): Promise<SourceTree> {
  const path = resolve(sourcePath)
  const info = await stat(path).catch(() => null)
  if (!info) throw new ConsoleError('not_found', `${path}: no such file or folder.`, { file: path })
  return info.isDirectory() ? new SourceTree(path) : new SourceTree(dirname(path), basename(path))
}

export async function detectWith(tree: SourceTree): Promise<Array<{ reader: FormatReader; detected: DetectedFormat }>> {
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
  if (tree.singleFile)
    return new ConsoleError(
      'unsupported',
      `${tree.path(tree.singleFile)}: not a recording format the console can import (supported single files: .mcap, ROS 1 .bag, the NYUv2 labelled .mat).`,
      { file: tree.path(tree.singleFile) },
    )
  if (entries.length === 0)
    return new ConsoleError('bad_file', `${tree.root}: the folder is empty.`, { file: tree.root })
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
    throw new ConsoleError(
      'unsupported',
      `${tree.root}: does not look like the "${options.format}" format (what it needs was not found).`,
      { file: tree.root },
    )
  if (!chosen) throw await describeUnknown(tree)
  ctx.progress(0, 0, `Reading ${chosen.reader.label}`)
  return {
    tree,
    reader: chosen.reader,
    plan: await attachLabelImages(tree, await chosen.reader.plan(tree, options, ctx)),
  }
}
