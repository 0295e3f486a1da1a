/**
 * Labels from a folder (NNNNNN.png + classes.json, as exportLabels writes them): mask values are
 * mapped to the target set's classes by name. Unknown names, masks of the wrong size and frames the
 * session does not have are refused by file, never dropped.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConsoleError, type ClassDef } from '../../contract'
import { decodePng } from '../images/png-decoding'
import type { LabelMask } from './label-store'

const classTableSchema = z.object({
  classes: z.array(z.object({ id: z.number().int().nonnegative(), name: z.string() })),
})

export interface ImportedLabels {
  frameIndex: number
  mask: LabelMask
}

/**
 * Mask value (class index + 1) for each id a file names, matched to `classes` by name (case and
 * outer spaces ignored); a name the set lacks is refused, naming the file.
 */
export function valuesByName(
  file: string,
  kind: 'class' | 'category',
  entries: Array<{ id: number; name: string }>,
  classes: ClassDef[],
): Map<number, number> {
  const byName = new Map(classes.map((c, k) => [c.name.trim().toLowerCase(), k + 1]))
  const values = new Map<number, number>()
  for (const entry of entries) {
    const value = byName.get(entry.name.trim().toLowerCase())
    if (value === undefined)
      throw new ConsoleError(
        'invalid_input',
        `${file}: ${kind} "${entry.name}" (${kind === 'class' ? 'value' : 'id'} ${entry.id}) is not in the class set.`,
      )
    values.set(entry.id, value)
  }
  return values
}

export async function readLabelFolder(
  dir: string,
  classes: ClassDef[],
  camera: { width: number; height: number; frames: number },
): Promise<ImportedLabels[]> {
  const tablePath = join(dir, 'classes.json')
  const text = await readFile(tablePath, 'utf8').catch(() => {
    throw new ConsoleError('not_found', `${tablePath}: missing; a label folder needs its class table.`)
  })
  let parsed: z.infer<typeof classTableSchema>
  try {
    parsed = classTableSchema.parse(JSON.parse(text))
  } catch (error) {
    throw new ConsoleError(
      'bad_file',
      `${tablePath}: not a class table (${error instanceof Error ? error.message : String(error)}).`,
    )
  }
  const valueMap = valuesByName(
    tablePath,
    'class',
    parsed.classes.filter((entry) => entry.id !== 0),
    classes,
  )
  valueMap.set(0, 0)
  const names = (await readdir(dir)).filter((n) => /^\d{6,}\.png$/.test(n)).sort()
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name)
      const frameIndex = Number(name.slice(0, -4))
      if (frameIndex >= camera.frames)
        throw new ConsoleError(
          'not_found',
          `${path}: labels for frame ${frameIndex}, but the session has ${camera.frames} frames.`,
        )
      const image = await decodePng(await readFile(path), path).catch((error: unknown) => {
        if (error instanceof ConsoleError && error.code === 'bad_file') throw error
        throw new ConsoleError(
          'bad_file',
          `${path}: not a readable PNG (${error instanceof Error ? error.message : String(error)}).`,
        )
      })
      if (image.channels !== 1 || image.width !== camera.width || image.height !== camera.height) {
        throw new ConsoleError(
          'bad_file',
          `${path}: ${image.width}×${image.height}×${image.channels}, expected a single-channel ${camera.width}×${camera.height} mask.`,
        )
      }
      const data = new Uint16Array(image.data.length)
      for (let i = 0; i < data.length; i++) {
        const value = valueMap.get(image.data[i] as number)
        if (value === undefined)
          throw new ConsoleError(
            'bad_file',
            `${path}: pixel ${i} has value ${image.data[i]}, which ${tablePath} does not name.`,
          )
        data[i] = value
      }
      return { frameIndex, mask: { width: image.width, height: image.height, data } }
    }),
  )
}
