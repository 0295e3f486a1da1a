/**
 * Decoding of a session's frame files: RGB (JPEG/PNG) and 16-bit grey PNG depth through sharp,
 * 8-bit label masks through fast-png in the decoding threads.
 */
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decodePng } from '../images/png-decoding'
import { ConsoleError } from '../../contract'
import type { RgbImage } from '../ports'
import { realPathInside } from '../security/path-policy'
import { checkImageSize } from '../security/image-limits'

export interface GreyImageU16 {
  width: number
  height: number
  data: Uint16Array
}

/**
 * A session's frame file; with `sessionDir`, it must resolve (symlinks followed) inside the session
 * folder, and a missing file reads the same as one that leads outside.
 */
export async function readFrameFile(path: string, sessionDir?: string): Promise<Buffer> {
  try {
    return await readFile(sessionDir ? await realPathInside(sessionDir, path) : path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' || error instanceof ConsoleError
        ? 'file is missing or lies outside the session folder'
        : 'the file cannot be read'
    throw new ConsoleError('bad_file', `${path}: ${reason}.`, { file: path })
  }
}

/** Decodes an RGB image to 8-bit RGB, scaled to `size` when given and different. */
export async function decodeRgb(
  path: string,
  size?: { width: number; height: number },
  sessionDir?: string,
): Promise<RgbImage> {
  const bytes = await readFrameFile(path, sessionDir)
  await checkImageSize(bytes, path)
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
    throw new ConsoleError(
      'bad_file',
      `${path}: cannot decode the RGB image (${error instanceof Error ? error.message : String(error)}).`,
      { file: path },
    )
  }
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Bit depth and colour type from the IHDR chunk, which the PNG format puts first. */
function pngHeader(bytes: Uint8Array, path: string): { bitDepth: number; colorType: number } {
  if (bytes.length < 33 || pngSignature.some((b, i) => bytes[i] !== b)) {
    throw new ConsoleError('bad_file', `${path}: not a PNG file.`, { file: path })
  }
  return { bitDepth: bytes[24] as number, colorType: bytes[25] as number }
}

function decodeFailed(path: string, error: unknown): ConsoleError {
  return new ConsoleError(
    'bad_file',
    `${path}: cannot decode the PNG (${error instanceof Error ? error.message : String(error)}).`,
    { file: path },
  )
}

/**
 * Decodes a single-channel 8- or 16-bit PNG into 16-bit samples. 16-bit (depth) goes through sharp:
 * native, on libuv's thread pool (so a seek does not hold the event loop), and exact with the grey16
 * colourspace; 8-bit masks are small and fast-png (in a worker thread) is quicker for them.
 */
export async function decodeGreyPng(path: string, sessionDir?: string): Promise<GreyImageU16> {
  const bytes = await readFrameFile(path, sessionDir)
  const { bitDepth, colorType } = pngHeader(bytes, path)
  await checkImageSize(bytes, path)
  if (colorType !== 0)
    throw new ConsoleError(
      'bad_file',
      `${path}: expected a single-channel (grey) PNG, found PNG colour type ${colorType}.`,
      { file: path },
    )
  if (bitDepth === 16) {
    try {
      const { data, info } = await sharp(bytes)
        .toColourspace('grey16')
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true })
      return {
        width: info.width,
        height: info.height,
        data: new Uint16Array(data.buffer, data.byteOffset, data.length / 2),
      }
    } catch (error) {
      throw decodeFailed(path, error)
    }
  }
  if (bitDepth !== 8)
    throw new ConsoleError('bad_file', `${path}: expected an 8- or 16-bit PNG, found ${bitDepth}-bit.`, { file: path })
  try {
    const png = await decodePng(bytes, path)
    return { width: png.width, height: png.height, data: Uint16Array.from(png.data) }
  } catch (error) {
    throw decodeFailed(path, error)
  }
}

export function rgbContentType(path: string): string {
  return /\.jpe?g$/i.test(path) ? 'image/jpeg' : 'image/png'
}
