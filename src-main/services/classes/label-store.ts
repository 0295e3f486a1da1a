/**
 * Labels painted on session frames: `<home>/labels/<sessionId>/<classSetId>/NNNNNN.png`, one 8-bit
 * (16-bit above 254 classes) index mask per frame (value = class index + 1, 0 = unlabelled), and
 * `classes.json` naming the values. Every save is an atomic rename, and saves of one frame are
 * serialised so two quick strokes cannot overwrite each other. Which classes each mask holds is kept
 * in memory (the probe status asks after every stroke), recorded on save and checked against the
 * file's identity, so masks written elsewhere (imports, the CLI beside the console) are read again.
 */
import type { Stats } from 'node:fs'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { encode } from 'fast-png'
import { ConsoleError, type ClassDef } from '../../contract'
import { jsonFileText, writeFileAtomic } from '../../platform/atomic-write'
import { decodePng, type DecodedPng } from '../images/png-decoding'

export interface LabelMask {
  width: number
  height: number
  /** Class index + 1 per pixel, 0 = unlabelled. */
  data: Uint16Array
}

const maskName = /^(\d{6,})\.png$/

export function maskFileName(frameIndex: number): string {
  return `${String(frameIndex).padStart(6, '0')}.png`
}

export function encodeLabelPng(mask: LabelMask, classCount: number): Uint8Array {
  const sixteenBit = classCount + 1 > 255
  const data = sixteenBit ? mask.data : Uint8Array.from(mask.data)
  return encode({ width: mask.width, height: mask.height, data, channels: 1, depth: sixteenBit ? 16 : 8 })
}

/** `classes.json` naming every mask value. */
export const classTableFileName = 'classes.json'

/** Writes the table, unless the file already says the same (a save per stroke would otherwise sync it each time). */
export async function writeClassTable(dir: string, classSetId: string, classes: ClassDef[]): Promise<string> {
  const path = join(dir, classTableFileName)
  const text = jsonFileText({
    classSetId,
    maskValues: 'class index + 1; 0 = unlabelled',
    classes: [
      { id: 0, name: 'unlabelled', color: [0, 0, 0] },
      ...classes.map((c, k) => ({ id: k + 1, name: c.name, color: c.color })),
    ],
  })
  if ((await readFile(path, 'utf8').catch(() => null)) !== text) await writeFileAtomic(path, text)
  return path
}

/** A mask file's identity: a save (atomic rename) gives a new inode, an edit in place a new mtime or size. */
function fileStamp(info: Stats): string {
  return `${info.ino}:${info.mtimeMs}:${info.size}`
}

/** The mask values (class index + 1) present in a mask, ascending. */
function presentValues(mask: LabelMask): number[] {
  const present = new Set<number>()
  for (const v of mask.data) if (v > 0) present.add(v)
  return [...present].sort((a, b) => a - b)
}

export class LabelStore {
  private readonly queues = new Map<string, Promise<unknown>>()
  /** Per mask path: the values it holds, as of the file stamped `stamp`. */
  private readonly valuesByMask = new Map<string, { stamp: string; values: number[] }>()

  constructor(private readonly root: string) {}

  dir(sessionId: string, classSetId: string): string {
    return join(this.root, sessionId, classSetId)
  }

  async read(sessionId: string, classSetId: string, frameIndex: number): Promise<LabelMask | null> {
    const path = join(this.dir(sessionId, classSetId), maskFileName(frameIndex))
    const bytes = await readFile(path).catch(() => null)
    if (!bytes) return null
    let image: DecodedPng
    try {
      image = await decodePng(bytes, path)
    } catch (error) {
      throw new ConsoleError(
        'bad_file',
        `${path}: not a readable PNG (${error instanceof Error ? error.message : String(error)}).`,
      )
    }
    if (image.channels !== 1)
      throw new ConsoleError(
        'bad_file',
        `${path}: a label mask must be single-channel, found ${image.channels} channels.`,
      )
    return { width: image.width, height: image.height, data: Uint16Array.from(image.data) }
  }

  /**
   * The mask values (class index + 1) a frame's labels hold, [] when it has none: from memory while
   * the file is the one last seen (one stat), else read and remembered.
   */
  async labelledValues(sessionId: string, classSetId: string, frameIndex: number): Promise<number[]> {
    const path = join(this.dir(sessionId, classSetId), maskFileName(frameIndex))
    const info = await stat(path).catch(() => null)
    if (!info) {
      this.valuesByMask.delete(path)
      return []
    }
    const known = this.valuesByMask.get(path)
    if (known?.stamp === fileStamp(info)) return known.values
    const mask = await this.read(sessionId, classSetId, frameIndex)
    const values = mask ? presentValues(mask) : []
    this.valuesByMask.set(path, { stamp: fileStamp(info), values })
    return values
  }

  /** Modification time of a frame's mask in ms (0 when absent): the payload revision. */
  async revision(sessionId: string, classSetId: string, frameIndex: number): Promise<number> {
    const info = await stat(join(this.dir(sessionId, classSetId), maskFileName(frameIndex))).catch(() => null)
    return info ? Math.round(info.mtimeMs) : 0
  }

  /** Read-modify-write of one frame, serialised per frame; an all-zero result deletes the mask. */
  update(
    sessionId: string,
    classSetId: string,
    frameIndex: number,
    classes: ClassDef[],
    edit: (current: LabelMask | null) => LabelMask,
  ): Promise<LabelMask> {
    const key = `${sessionId}\n${classSetId}\n${frameIndex}`
    const previous = this.queues.get(key) ?? Promise.resolve()
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const mask = edit(await this.read(sessionId, classSetId, frameIndex))
        const dir = this.dir(sessionId, classSetId)
        const path = join(dir, maskFileName(frameIndex))
        const values = presentValues(mask)
        if (values.length > 0) {
          await writeFileAtomic(path, encodeLabelPng(mask, classes.length))
          this.valuesByMask.set(path, { stamp: fileStamp(await stat(path)), values })
        } else {
          await rm(path, { force: true })
          this.valuesByMask.delete(path)
        }
        await writeClassTable(dir, classSetId, classes)
        return mask
      })
    this.queues.set(key, next)
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key)
      })
      .catch(() => undefined)
    return next
  }

  async frames(sessionId: string, classSetId: string): Promise<number[]> {
    const names = await readdir(this.dir(sessionId, classSetId)).catch(() => [] as string[])
    return names
      .map((n) => maskName.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
  }

  /** Sessions that hold labels for a class set. */
  async sessions(classSetId: string): Promise<string[]> {
    const ids = await readdir(this.root).catch(() => [] as string[])
    const withLabels = await Promise.all(
      ids.map(async (id) => ((await this.frames(id, classSetId)).length > 0 ? id : null)),
    )
    return withLabels.filter((id): id is string => id !== null)
  }

  async removeClassSet(classSetId: string): Promise<void> {
    const ids = await readdir(this.root).catch(() => [] as string[])
    await Promise.all(ids.map((id) => rm(this.dir(id, classSetId), { recursive: true, force: true })))
    for (const id of ids) this.forgetDir(this.dir(id, classSetId))
  }

  private forgetDir(dir: string): void {
    for (const path of this.valuesByMask.keys()) if (path.startsWith(join(dir, '/'))) this.valuesByMask.delete(path)
  }
}

/** Applies flat [offset, length, value] runs to a mask; values above `classCount` are refused. */
export function applyRuns(mask: LabelMask, runs: number[], classCount: number, where: string): void {
  const size = mask.width * mask.height
  for (let i = 0; i < runs.length; i += 3) {
    const offset = runs[i] as number
    const length = runs[i + 1] as number
    const value = runs[i + 2] as number
    if (value > classCount)
      throw new ConsoleError(
        'invalid_input',
        `${where}: label value ${value} but the class set has ${classCount} classes.`,
      )
    if (offset + length > size)
      throw new ConsoleError(
        'invalid_input',
        `${where}: run ${offset}+${length} runs past the ${mask.width}×${mask.height} mask.`,
      )
    mask.data.fill(value, offset, offset + length)
  }
}

export function countPixels(mask: LabelMask, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0)
  for (const v of mask.data) if (v > 0 && v <= classCount) counts[v - 1] = (counts[v - 1] as number) + 1
  return counts
}
