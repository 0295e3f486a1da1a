/**
 * Ground-truth label images: a grey PNG (8 or 16-bit) whose values are mapped to label-class ids and
 * written as an 8-bit index PNG the size of the depth image.
 */
import sharp from 'sharp'
import { decodePng, type DecodedPng } from '../../images/png-decoding'
import { FrameProblem, loadImage, sourceLabel } from './frame-images'
import { turnedSize, turnSamples } from './frame-orientation'
import type { ImageSource, LabelMapping } from './import-plan'

export async function labelIndexPng(
  source: ImageSource,
  mapping: LabelMapping,
  size: { width: number; height: number },
): Promise<Uint8Array> {
  const file = sourceLabel(source)
  const image = await loadImage(source)
  if (image.kind !== 'encoded') throw new FrameProblem(file, 'expected a label PNG')
  let png: DecodedPng
  try {
    png = await decodePng(image.bytes, file)
  } catch (error) {
    throw new FrameProblem(
      file,
      `cannot read the label image (${error instanceof Error ? error.message : String(error)})`,
    )
  }
  if (png.channels !== 1) throw new FrameProblem(file, `the label PNG has ${png.channels} channels; expected 1 (grey)`)
  // `size` is the (turned) depth's; the label file is checked against it before the same turn.
  const stored = turnedSize(size, source.turn ?? 0)
  if (png.width !== stored.width || png.height !== stored.height)
    throw new FrameProblem(
      file,
      `labels are ${png.width}×${png.height}, but the depth is ${stored.width}×${stored.height}`,
    )
  const ids = new Uint8Array(png.width * png.height)
  for (let k = 0; k < ids.length; k++) ids[k] = mapping.idOfValue.get(png.data[k]!) ?? 0
  const turned = turnSamples(ids, png, source.turn ?? 0)
  return sharp(turned.data, { raw: { width: turned.width, height: turned.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 1 })
    .toBuffer()
}
