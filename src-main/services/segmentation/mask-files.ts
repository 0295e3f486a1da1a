/**
 * Segmentation written to a folder: per frame an index mask (`masks/NNNNNN.png`, 8- or 16-bit grey,
 * value = class index + 1, 0 = void, as session label masks are) and a colour image
 * (`color/NNNNNN.png`), plus `classes.json` naming every value.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { encode } from 'fast-png'
import type { SegmentationModeName, SegmentedClass } from '../../contract'
import { writeFileAtomic, writeJsonAtomic } from '../../platform/atomic-write'

/** What a mask export puts in its folder. */
export const maskFolderEntries = ['masks', 'color', 'classes.json']

export interface MaskFolderInfo {
  sessionId: string
  classSetId: string
  mode: SegmentationModeName
  modelId: string
}

export class MaskFolderWriter {
  private constructor(
    private readonly dir: string,
    private readonly colors: Array<[number, number, number]>,
  ) {}

  static async open(dir: string, colors: Array<[number, number, number]>): Promise<MaskFolderWriter> {
    await mkdir(join(dir, 'masks'), { recursive: true })
    await mkdir(join(dir, 'color'), { recursive: true })
    return new MaskFolderWriter(dir, colors)
  }

  async writeFrame(frameIndex: number, classIndex: Uint16Array, width: number, height: number): Promise<void> {
    const name = `${String(frameIndex).padStart(6, '0')}.png`
    const sixteenBit = this.colors.length + 1 > 255
    const ids = sixteenBit ? new Uint16Array(classIndex.length) : new Uint8Array(classIndex.length)
    const rgb = new Uint8Array(classIndex.length * 3)
    for (let i = 0; i < classIndex.length; i++) {
      const k = classIndex[i] as number
      ids[i] = k + 1
      const color = this.colors[k] ?? [0, 0, 0]
      rgb[3 * i] = color[0]
      rgb[3 * i + 1] = color[1]
      rgb[3 * i + 2] = color[2]
    }
    await writeFileAtomic(
      join(this.dir, 'masks', name),
      encode({ width, height, data: ids, channels: 1, depth: sixteenBit ? 16 : 8 }),
    )
    await writeFileAtomic(join(this.dir, 'color', name), encode({ width, height, data: rgb, channels: 3, depth: 8 }))
  }

  async writeClassTable(info: MaskFolderInfo, classes: SegmentedClass[], frames: number[]): Promise<void> {
    await writeJsonAtomic(join(this.dir, 'classes.json'), {
      ...info,
      maskValues: 'class index + 1; 0 = void',
      classes: [
        { id: 0, name: 'void', color: [0, 0, 0], share: 0 },
        ...classes.map((c) => ({ id: c.index + 1, name: c.name, color: c.color, share: c.share })),
      ],
      frames,
    })
  }
}
