/**
 * Labels as a COCO semantic-segmentation file (the "stuff" layout CVAT and Label Studio import):
 * one image per labelled frame, one category per class (id = class index + 1, as the index PNGs),
 * and per frame and class one annotation whose mask is an uncompressed RLE — column-major runs
 * starting with background, as pycocotools reads them.
 */
import type { ClassDef } from '../../contract'
import type { LabelMask } from './label-store'

export interface CocoFrame {
  frameIndex: number
  /** The frame's RGB file, relative to the session (COCO `file_name`). */
  fileName: string
  mask: LabelMask
}

/** Column-major run lengths of `mask == value`, starting with a (possibly empty) background run. */
export function columnMajorRuns(
  mask: LabelMask,
  value: number,
): { counts: number[]; area: number; bbox: [number, number, number, number] } {
  const { width, height, data } = mask
  const counts: number[] = []
  let current = false
  let run = 0
  let area = 0
  let [x0, y0, x1, y1] = [width, height, -1, -1]
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const inside = data[y * width + x] === value
      if (inside !== current) {
        counts.push(run)
        run = 0
        current = inside
      }
      run++
      if (inside) {
        area++
        x0 = Math.min(x0, x)
        y0 = Math.min(y0, y)
        x1 = Math.max(x1, x)
        y1 = Math.max(y1, y)
      }
    }
  }
  counts.push(run)
  return { counts, area, bbox: area ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : [0, 0, 0, 0] }
}

/** COCO `images`: one per labelled frame, id = frame index + 1, with the frame index for our import. */
export function cocoImages(frames: CocoFrame[]): object[] {
  return frames.map((f) => ({
    id: f.frameIndex + 1,
    file_name: f.fileName,
    width: f.mask.width,
    height: f.mask.height,
    frame_index: f.frameIndex,
  }))
}

export function cocoSemantic(
  info: { sessionId: string; classSetId: string },
  classes: ClassDef[],
  frames: CocoFrame[],
): object {
  const annotations: object[] = []
  for (const frame of frames) {
    const present = new Set(frame.mask.data)
    for (let k = 0; k < classes.length; k++) {
      if (!present.has(k + 1)) continue
      const { counts, area, bbox } = columnMajorRuns(frame.mask, k + 1)
      annotations.push({
        id: annotations.length + 1,
        image_id: frame.frameIndex + 1,
        category_id: k + 1,
        iscrowd: 1,
        area,
        bbox,
        segmentation: { size: [frame.mask.height, frame.mask.width], counts },
      })
    }
  }
  return {
    info: {
      description: `DVE Console labels of "${info.sessionId}" in class set "${info.classSetId}"`,
      version: '1.0',
    },
    images: cocoImages(frames),
    categories: classes.map((c, k) => ({ id: k + 1, name: c.name, supercategory: 'class', color: c.color })),
    annotations,
  }
}
