/**
 * Per-frame label images that ship with a recording become the session's ground truth, for every
 * reader: a label folder next to the depth (`labels_40/` of the NYUv2 and SUN RGB-D exports,
 * ScanNet's `label-filt/`, Replica's `semantic_class/`, or `labels/`, `semantic/`, …) paired with
 * the frames by file number. The class table comes from the source where it has one (NYUv2-40,
 * SUN RGB-D 37, NYUv2-13 by folder name; ScanNet's `scannetv2-labels.combined.tsv`; a
 * `classes.txt`/`classes.json`), otherwise the values found become numbered classes.
 */
import { basename } from 'node:path'
import { decodePng } from '../../images/png-decoding'
import type { LabelClass } from '../../../contract'
import { fileNumber } from './frame-order'
import type { ImportPlan, LabelMapping, PlannedFrame } from './import-plan'
import type { SourceTree } from './source-tree'
import { nyuv2Names } from '../../classes/builtin-class-sets'
import { maxImageFileBytes, readSourceFile, readSourceText } from '../../security/source-confinement'
import { parseJsonQuietly } from '../../security/quiet-json'

const labelFolders = [
  'labels_40',
  'labels_37',
  'labels_13',
  'label-filt',
  'label',
  'labels',
  'semantic_class',
  'semantic',
  'segmentation',
  'seg',
] as const
const labelFilePattern = /\.png$/i
const tableFiles = ['classes.txt', 'class_names.txt', 'label_names.txt', 'classes.json']
const scannetTable = 'scannetv2-labels.combined.tsv'
/** Label images read to find the values of a recording without a class table. */
const sampledImages = 5

// Published class lists (names only), by the folder names their common exports use; NYUv2-40 is the
// authors' list the built-in class set uses too.
const nyu40: string[] = [...nyuv2Names]
const nyu13 = [
  'bed',
  'books',
  'ceiling',
  'chair',
  'floor',
  'furniture',
  'objects',
  'picture',
  'sofa',
  'table',
  'tv',
  'wall',
  'window',
]
const tablesByFolder: Record<string, { names: string[]; source: string }> = {
  labels_40: { names: nyu40, source: 'the NYUv2 40-class table (labels_40/)' },
  labels_37: { names: nyu40.slice(0, 37), source: 'the SUN RGB-D 37-class table (labels_37/)' },
  labels_13: { names: nyu13, source: 'the NYUv2 13-class table (labels_13/)' },
}

/** A distinct colour per class id (golden-angle hues), void black. */
export function classColour(id: number): [number, number, number] {
  if (id === 0) return [0, 0, 0]
  const hue = (id * 137.508) % 360
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6
    return Math.round(255 * (0.85 - 0.6 * Math.max(0, Math.min(k, 4 - k, 1))))
  }
  return [f(5), f(3), f(1)]
}

async function namedTable(
  tree: SourceTree,
  dirs: string[],
): Promise<{ names: Map<number, string>; source: string } | null> {
  for (const dir of dirs)
    for (const name of tableFiles) {
      if (!(await tree.hasFile(dir, name))) continue
      const path = tree.path(dir, name)
      const text = await readSourceText(path)
      if (name.endsWith('.json')) {
        const json = parseJsonQuietly(text, path)
        const entries: Array<[number, string]> = Array.isArray(json)
          ? json.map((n, k) => [k, String(n)])
          : Object.entries(json as Record<string, unknown>).map(([k, n]) => [Number(k), String(n)])
        return { names: new Map(entries.filter(([k]) => Number.isInteger(k))), source: path }
      }
      return {
        names: new Map(
          text
            .split(/\r?\n/)
            .map((line, k): [number, string] => [k, line.trim()])
            .filter(([, n]) => n !== ''),
        ),
        source: path,
      }
    }
  for (const dir of dirs)
    if (await tree.hasFile(dir, scannetTable)) {
      const path = tree.path(dir, scannetTable)
      // Columns: id, raw_category, category, …; the first row is the header.
      const rows = (await readSourceText(path))
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.split('\t'))
      return {
        names: new Map(
          rows.filter((r) => r.length > 2 && Number.isInteger(Number(r[0]))).map((r) => [Number(r[0]), r[2] || r[1]!]),
        ),
        source: path,
      }
    }
  return null
}

/** Distinct values of a few label images (most frequent first). */
async function sampledValues(paths: string[]): Promise<number[]> {
  const counts = new Map<number, number>()
  for (const path of paths.slice(0, sampledImages)) {
    try {
      const bytes = await readSourceFile(path, maxImageFileBytes, 'an image')
      const png = await decodePng(bytes, path)
      if (png.channels !== 1) continue
      for (const v of png.data) counts.set(v, (counts.get(v) ?? 0) + 1)
    } catch {
      // An unreadable label image is reported with its frame by the writer.
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v)
}

/**
 * Label classes for `values`: ids equal to the values where they fit 8-bit label images, else dense
 * ids in value order (the 255 most frequent values; rarer ones become void).
 */
export function mappingFor(values: number[], nameOf: (value: number) => string | undefined): LabelMapping {
  const kept = values
    .filter((v) => v !== 0)
    .slice(0, 255)
    .sort((a, b) => a - b)
  const identity = kept.every((v) => v <= 255)
  const idOfValue = new Map(kept.map((v, k) => [v, identity ? v : k + 1]))
  const classes: LabelClass[] = [{ id: 0, name: 'void', color: [0, 0, 0] }]
  for (const [value, id] of idOfValue)
    classes.push({ id, name: nameOf(value) ?? `class ${value}`, color: classColour(id) })
  return { classes, idOfValue }
}

async function labelFolder(tree: SourceTree): Promise<string | null> {
  for (const base of ['', ...(await tree.list('')).filter((e) => e.isDir).map((e) => e.name)])
    for (const name of labelFolders) if (await tree.hasDir(base, name)) return base ? `${base}/${name}` : name
  return null
}

const depthPathOf = (frame: PlannedFrame): string | null => (frame.depth.kind === 'file' ? frame.depth.path : null)

/**
 * The plan with label images attached, when the source has a label folder whose files match the
 * frames by number; the reason goes into the plan's warnings. Plans that already have labels are
 * returned as they are.
 */
export async function attachLabelImages(tree: SourceTree, plan: ImportPlan): Promise<ImportPlan> {
  if (plan.labels || tree.singleFile) return plan
  const folder = await labelFolder(tree)
  if (!folder) return plan
  const files = await tree.files(folder, labelFilePattern)
  const byNumber = new Map(files.map((name) => [fileNumber(name), tree.path(folder, name)]))
  const labelOf = (frame: PlannedFrame): string | undefined => {
    const depth = depthPathOf(frame)
    return depth ? byNumber.get(fileNumber(depth)) : undefined
  }
  const matched = plan.frames.filter((f) => labelOf(f) !== undefined)
  if (matched.length === 0) return plan
  const values = await sampledValues(matched.map((f) => labelOf(f)!))
  const known = tablesByFolder[basename(folder)]
  const table = known ? null : await namedTable(tree, [folder, folder.includes('/') ? folder.split('/')[0]! : '', ''])
  const nameOf = (value: number): string | undefined => (known ? known.names[value - 1] : table?.names.get(value))
  const mapping = mappingFor(values, nameOf)
  const source = known
    ? known.source
    : table
      ? `the class table ${table.source}`
      : 'no class table in the source, so the values became numbered classes'
  const warning = `Labels: ${matched.length} of ${plan.frames.length} frames have a label image in ${folder}/ (${mapping.classes.length - 1} classes from ${source}).`
  return {
    ...plan,
    labels: mapping,
    frames: plan.frames.map((f) => {
      const path = labelOf(f)
      return path ? { ...f, labels: { kind: 'file', path } } : f
    }),
    warnings: [...plan.warnings, warning],
  }
}
