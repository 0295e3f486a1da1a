/**
 * Labels from COCO panoptic files (as coco-panoptic.ts writes them, or as CVAT/Datumaro and Label
 * Studio export them): `panoptic_<name>.json` and its PNG folder `panoptic_<name>/`. Categories map
 * to the target set's classes by name; images map to session frames by `frame_index` (ours) or by
 * their `file_name` against the session's RGB files. Segment ids (R + 256·G + 256²·B) that the JSON
 * does not list, unknown names, wrong sizes and unknown images are refused by file, never dropped.
 */
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { z } from 'zod'
import { decodePng } from '../images/png-decoding'
import { ConsoleError, type ClassDef } from '../../contract'
import { valuesByName, type ImportedLabels } from './label-import'
import { segmentIdOf } from './coco-panoptic'

const panopticSchema = z.object({
  images: z.array(
    z.object({
      id: z.number().int(),
      file_name: z.string(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      frame_index: z.number().int().nonnegative().optional(),
    }),
  ),
  categories: z.array(z.object({ id: z.number().int(), name: z.string() })),
  annotations: z.array(
    z.object({
      image_id: z.number().int(),
      file_name: z.string().min(1),
      segments_info: z.array(z.object({ id: z.number().int().positive(), category_id: z.number().int() })),
    }),
  ),
})

/** Whether `name` is a COCO panoptic JSON by its name (`panoptic_*.json`). */
export function isPanopticJsonName(name: string): boolean {
  return /^panoptic_.+\.json$/.test(name)
}

export async function readCocoPanoptic(
  jsonPath: string,
  classes: ClassDef[],
  session: { width: number; height: number; rgbFiles: string[] },
): Promise<ImportedLabels[]> {
  let parsed: z.infer<typeof panopticSchema>
  try {
    parsed = panopticSchema.parse(JSON.parse(await readFile(jsonPath, 'utf8')))
  } catch (error) {
    throw new ConsoleError(
      'bad_file',
      `${jsonPath}: not a COCO panoptic file (${error instanceof Error ? error.message : String(error)}).`,
    )
  }
  const valueOfCategory = valuesByName(jsonPath, 'category', parsed.categories, classes)
  const frameByRgb = new Map(session.rgbFiles.map((f, index) => [basename(f), index]))
  const images = new Map(parsed.images.map((image) => [image.id, image]))
  const pngDir = jsonPath.slice(0, -'.json'.length)
  return Promise.all(
    parsed.annotations.map(async (annotation) => {
      const image = images.get(annotation.image_id)
      if (!image)
        throw new ConsoleError(
          'bad_file',
          `${jsonPath}: annotation names image ${annotation.image_id}, which images does not list.`,
        )
      const frameIndex = image.frame_index ?? frameByRgb.get(basename(image.file_name))
      if (frameIndex === undefined || frameIndex >= session.rgbFiles.length)
        throw new ConsoleError(
          'not_found',
          `${jsonPath}: image "${image.file_name}" is no frame of the session (${session.rgbFiles.length} frames).`,
        )
      const path = join(pngDir, annotation.file_name)
      const png = await decodePng(
        await readFile(path).catch(() => {
          throw new ConsoleError('not_found', `${path}: missing; ${jsonPath} names it for image "${image.file_name}".`)
        }),
        path,
      )
      if (png.channels < 3 || png.depth !== 8 || png.width !== session.width || png.height !== session.height)
        throw new ConsoleError(
          'bad_file',
          `${path}: ${png.width}×${png.height}×${png.channels} (${png.depth}-bit), expected an 8-bit RGB ${session.width}×${session.height} segment image.`,
        )
      const valueOfSegment = new Map<number, number>([[0, 0]])
      for (const segment of annotation.segments_info) {
        const value = valueOfCategory.get(segment.category_id)
        if (value === undefined)
          throw new ConsoleError(
            'bad_file',
            `${jsonPath}: segment ${segment.id} of "${annotation.file_name}" has unknown category ${segment.category_id}.`,
          )
        valueOfSegment.set(segment.id, value)
      }
      const data = new Uint16Array(png.width * png.height)
      const rgb = png.data
      for (let i = 0; i < data.length; i++) {
        const o = i * png.channels
        const id = segmentIdOf(rgb[o] as number, rgb[o + 1] as number, rgb[o + 2] as number)
        const value = valueOfSegment.get(id)
        if (value === undefined)
          throw new ConsoleError(
            'bad_file',
            `${path}: pixel ${i} has segment id ${id}, which segments_info does not list.`,
          )
        data[i] = value
      }
      return { frameIndex, mask: { width: png.width, height: png.height, data } }
    }),
  )
}
