/**
 * Labels out of and into a folder in the exchange formats: index PNGs + classes.json (the CLI's own),
 * COCO semantic JSON (RLE) and COCO panoptic (JSON + segment PNGs). An import tells the format from
 * the folder: classes.json, else one `panoptic_*.json`.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ConsoleError, type ClassDef, type SessionManifest } from '../../contract'
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic-write'
import { cocoSemantic } from './coco-export'
import { cocoPanoptic } from './coco-panoptic'
import { isPanopticJsonName, readCocoPanoptic } from './coco-panoptic-import'
import { readLabelFolder, type ImportedLabels } from './label-import'
import { classTableFileName, encodeLabelPng, maskFileName, writeClassTable, type LabelMask } from './label-store'

export type LabelExportFormat = 'png' | 'coco' | 'coco-panoptic'

export interface LabelExport {
  sessionId: string
  classSetId: string
  classes: ClassDef[]
  manifest: SessionManifest
  frames: Array<{ frameIndex: number; mask: LabelMask }>
}

/** The names an export puts in its folder (files, and the panoptic PNGs' folder): what it would replace. */
export function labelExportEntries(
  format: LabelExportFormat,
  sessionId: string,
  classSetId: string,
  frameIndices: number[],
): string[] {
  if (format === 'coco') return [`${sessionId}.${classSetId}.coco.json`]
  if (format === 'coco-panoptic')
    return [panopticName(sessionId, classSetId), `${panopticName(sessionId, classSetId)}.json`]
  return [...frameIndices.map(maskFileName), classTableFileName]
}

const panopticName = (sessionId: string, classSetId: string): string => `panoptic_${sessionId}.${classSetId}`

/** Writes the labels into `target` in `format`; returns the files written (the JSON first for COCO). */
export async function writeLabelExport(
  target: string,
  format: LabelExportFormat,
  labels: LabelExport,
): Promise<string[]> {
  const { sessionId, classSetId, classes, manifest } = labels
  const frames = labels.frames.map((f) => ({
    ...f,
    fileName: manifest.frames[f.frameIndex]?.rgb ?? maskFileName(f.frameIndex),
    pngName: maskFileName(f.frameIndex),
  }))
  if (format === 'coco') {
    const path = join(target, `${sessionId}.${classSetId}.coco.json`)
    await writeFileAtomic(path, JSON.stringify(cocoSemantic({ sessionId, classSetId }, classes, frames)))
    return [path]
  }
  if (format === 'coco-panoptic') {
    const name = panopticName(sessionId, classSetId)
    const { json, pngs } = cocoPanoptic({ sessionId, classSetId }, classes, frames)
    const files: string[] = []
    for (const png of pngs) {
      const path = join(target, name, png.name)
      await writeFileAtomic(path, png.bytes)
      files.push(path)
    }
    // The JSON last, so a folder with it holds every PNG it names.
    const path = join(target, `${name}.json`)
    await writeJsonAtomic(path, json)
    return [path, ...files]
  }
  const files: string[] = []
  for (const { frameIndex, mask } of frames) {
    const path = join(target, maskFileName(frameIndex))
    await writeFileAtomic(path, encodeLabelPng(mask, classes.length))
    files.push(path)
  }
  files.push(await writeClassTable(target, classSetId, classes))
  return files
}

/** Reads a folder of labels in either import format, mapped to `classes` by name. */
export async function readLabelImport(
  folder: string,
  classes: ClassDef[],
  manifest: SessionManifest,
): Promise<ImportedLabels[]> {
  const names = await readdir(folder)
  if (names.includes('classes.json'))
    return readLabelFolder(folder, classes, { ...manifest.camera, frames: manifest.frames.length })
  const panoptic = names.filter(isPanopticJsonName)
  if (panoptic.length === 1)
    return readCocoPanoptic(join(folder, panoptic[0] as string), classes, {
      ...manifest.camera,
      rgbFiles: manifest.frames.map((f) => f.rgb),
    })
  throw new ConsoleError(
    panoptic.length > 1 ? 'invalid_input' : 'not_found',
    panoptic.length > 1
      ? `${folder}: holds ${panoptic.length} COCO panoptic files (${panoptic.join(', ')}); choose a folder with one.`
      : `${folder}: neither classes.json (index PNGs) nor a panoptic_*.json (COCO panoptic) is there.`,
  )
}
