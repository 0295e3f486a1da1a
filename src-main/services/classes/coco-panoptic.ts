/**
 * Labels as COCO panoptic segmentation (the layout CVAT/Datumaro and Label Studio exchange):
 * `panoptic_<name>.json` (images, annotations with `segments_info`, categories with `isthing`) and
 * beside it a folder `panoptic_<name>/` with one RGB PNG per labelled frame whose pixel value is the
 * segment id, id = R + 256·G + 256²·B (0 = unlabelled). Things get one segment per 8-connected
 * region of their class, stuff one segment per class (stuff-classes.ts decides which is which).
 */
import { encode } from 'fast-png'
import type { ClassDef } from '../../contract'
import { growRegion } from '../pixel-regions'
import { cocoImages, type CocoFrame } from './coco-export'
import type { LabelMask } from './label-store'
import { isStuffClass } from './stuff-classes'

export interface PanopticFrame extends CocoFrame {
  /** The segment PNG's name inside the PNG folder (COCO `annotations[].file_name`). */
  pngName: string
}

interface SegmentInfo {
  id: number
  category_id: number
  area: number
  bbox: [number, number, number, number]
  iscrowd: 0
}

/** Segment id of an RGB pixel, as the COCO panoptic format defines it. */
export function segmentIdOf(r: number, g: number, b: number): number {
  return r + 256 * g + 256 * 256 * b
}

/**
 * Segment ids per pixel (0 = unlabelled) and their info: per frame, segments are numbered from 1 in
 * pixel order, so the same labels always give the same files.
 */
export function panopticSegments(mask: LabelMask, classes: ClassDef[]): { ids: Uint32Array; segments: SegmentInfo[] } {
  const { width, height, data } = mask
  const ids = new Uint32Array(data.length)
  const segments: SegmentInfo[] = []
  const stuffSegment = new Map<number, SegmentInfo>()
  const boxes: Array<[number, number, number, number]> = []
  const grow = (segment: SegmentInfo, pixel: number) => {
    const x = pixel % width
    const y = (pixel - x) / width
    segment.area++
    const box = boxes[segment.id - 1] as [number, number, number, number]
    box[0] = Math.min(box[0], x)
    box[1] = Math.min(box[1], y)
    box[2] = Math.max(box[2], x)
    box[3] = Math.max(box[3], y)
  }
  const open = (value: number): SegmentInfo => {
    const segment: SegmentInfo = {
      id: segments.length + 1,
      category_id: value,
      area: 0,
      bbox: [0, 0, 0, 0],
      iscrowd: 0,
    }
    segments.push(segment)
    boxes.push([width, height, -1, -1])
    return segment
  }
  for (let start = 0; start < data.length; start++) {
    const value = data[start] as number
    if (value === 0 || ids[start] !== 0) continue
    if (isStuffClass(classes[value - 1]?.name ?? '')) {
      let segment = stuffSegment.get(value)
      if (!segment) stuffSegment.set(value, (segment = open(value)))
      ids[start] = segment.id
      grow(segment, start)
      continue
    }
    // A thing: flood the 8-connected region of this class from here.
    const segment = open(value)
    ids[start] = segment.id
    growRegion(
      width,
      height,
      start,
      (next) => {
        if (ids[next] !== 0 || data[next] !== value) return false
        ids[next] = segment.id
        return true
      },
      (pixel) => grow(segment, pixel),
      8,
    )
  }
  for (const segment of segments) {
    const [x0, y0, x1, y1] = boxes[segment.id - 1] as [number, number, number, number]
    segment.bbox = [x0, y0, x1 - x0 + 1, y1 - y0 + 1]
  }
  return { ids, segments }
}

/** The segment-id PNG (8-bit RGB) of one frame. */
export function encodeSegmentPng(ids: Uint32Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(ids.length * 3)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number
    rgb[3 * i] = id & 0xff
    rgb[3 * i + 1] = (id >> 8) & 0xff
    rgb[3 * i + 2] = (id >> 16) & 0xff
  }
  return encode({ width, height, data: rgb, channels: 3, depth: 8 })
}

/** The panoptic JSON and the PNGs it names (by `pngName`). */
export function cocoPanoptic(
  info: { sessionId: string; classSetId: string },
  classes: ClassDef[],
  frames: PanopticFrame[],
): { json: object; pngs: Array<{ name: string; bytes: Uint8Array }> } {
  const annotations: object[] = []
  const pngs: Array<{ name: string; bytes: Uint8Array }> = []
  for (const frame of frames) {
    const { ids, segments } = panopticSegments(frame.mask, classes)
    annotations.push({ image_id: frame.frameIndex + 1, file_name: frame.pngName, segments_info: segments })
    pngs.push({ name: frame.pngName, bytes: encodeSegmentPng(ids, frame.mask.width, frame.mask.height) })
  }
  const json = {
    info: {
      description: `DVE Console labels of "${info.sessionId}" in class set "${info.classSetId}" (COCO panoptic)`,
      version: '1.0',
    },
    images: cocoImages(frames),
    categories: classes.map((c, k) => ({
      id: k + 1,
      name: c.name,
      supercategory: 'class',
      isthing: isStuffClass(c.name) ? 0 : 1,
      color: c.color,
    })),
    annotations,
  }
  return { json, pngs }
}
