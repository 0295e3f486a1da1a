/**
 * Decoding of a session's frame files: RGB (JPEG/PNG) through sharp, 16-bit grey PNG (depth, labels)
 * through fast-png, which returns the exact samples (sharp would convert grey16 to sRGB).
 */
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decode } from 'fast-png'
import { ConsoleError } from '../../contract'
import type { RgbImage } from '../ports'

export interface GreyImageU16 {
  width: number
  height: number
  data: Uint16Array
}

export async function readFrameFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : String(error)
    throw new ConsoleError('bad_file', `${path}: ${reason}.`, { file: path })
  }
}

/** Decodes an RGB image to 8-bit RGB, scaled to `size` when given and different. */
export async function decodeRgb(path: string, size?: { width: number; height: number }): Promise<RgbImage> {
  const bytes = await readFrameFile(path)
  try {
    const decoded = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    let { data, info } = decoded
    if (size && (info.width !== size.width || info.height !== size.height)) {
      ;({ data, info } = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .resize(size.width, size.height, { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true }))
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
  } catch (error) {
    throw new ConsoleError('bad_file', `${path}: cannot decode the RGB image (${error instanceof Error ? error.message : String(error)}).`, { file: path })
  }
}

/** Decodes a single-channel 8- or 16-bit PNG into 16-bit samples. */
export async function decodeGreyPng(path: string): Promise<GreyImageU16> {
  const bytes = await readFrameFile(path)
  let png: ReturnType<typeof decode>
  try {
    png = decode(bytes)
  } catch (error) {
    throw new ConsoleError('bad_file', `${path}: cannot decode the PNG (${error instanceof Error ? error.message : String(error)}).`, { file: path })
  }
  if (png.channels !== 1) throw new ConsoleError('bad_file', `${path}: expected a single-channel PNG, found ${png.channels} channels.`, { file: path })
  if (png.depth === 16 && png.data instanceof Uint16Array) return { width: png.width, height: png.height, data: png.data }
  if (png.depth === 8) return { width: png.width, height: png.height, data: Uint16Array.from(png.data) }
  throw new ConsoleError('bad_file', `${path}: expected an 8- or 16-bit PNG, found ${png.depth}-bit.`, { file: path })
}

export function rgbContentType(path: string): string {
  return /\.jpe?g$/i.test(path) ? 'image/jpeg' : 'image/png'
}
