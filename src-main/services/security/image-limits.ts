/**
 * Image sizes are read from the header before any decode, and images larger than an RGB-D sensor
 * makes are refused: a 1.4 MB PNG may declare 20000 × 20000 pixels (1.6 GB of RGBA) and would
 * otherwise be decoded in full before anything noticed.
 */
import sharp from 'sharp'
import { ConsoleError } from '../../contract'
import { printable } from './printable'

/** Longest side accepted. Colour cameras of RGB-D rigs reach 4096 px (Azure Kinect), phones 8064. */
export const maxImageSidePixels = 8192
/** Pixels accepted in one image (48 MP phone photos fit). */
export const maxImagePixels = 50_000_000

export class ImageTooLarge extends ConsoleError {
  constructor(file: string, width: number, height: number) {
    super(
      'bad_file',
      `${printable(file)}: the image declares ${width}×${height} pixels; the console accepts up to ${maxImageSidePixels} px a side and ${maxImagePixels / 1e6} MP, more than RGB-D sensors make.`,
      { file, width, height },
    )
  }
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from the header (PNG IHDR, binary PGM, else sharp's header-only metadata). */
export async function declaredImageSize(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
  if (bytes.length >= 24 && pngSignature.every((b, i) => bytes[i] === b)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return { width: view.getUint32(16), height: view.getUint32(20) }
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x35) return pgmSize(bytes)
  try {
    const { width, height } = await sharp(bytes).metadata()
    return width && height ? { width, height } : null
  } catch {
    return null // not an image sharp knows; the decoder that follows names the problem
  }
}

/** Throws ImageTooLarge when the header declares more pixels than allowed. */
export async function checkImageSize(bytes: Uint8Array, file: string): Promise<void> {
  const size = await declaredImageSize(bytes)
  if (size && !imageSizeAllowed(size.width, size.height)) throw new ImageTooLarge(file, size.width, size.height)
}

export function imageSizeAllowed(width: number, height: number): boolean {
  return width <= maxImageSidePixels && height <= maxImageSidePixels && width * height <= maxImagePixels
}

/** Width and height tokens of a P5 header (comments skipped); null when they are not there. */
function pgmSize(bytes: Uint8Array): { width: number; height: number } | null {
  const header = new TextDecoder('latin1').decode(bytes.subarray(2, Math.min(bytes.length, 512)))
  const tokens = header
    .replace(/#[^\n]*/g, ' ')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .map(Number)
  const [width, height] = tokens
  return width && height && Number.isInteger(width) && Number.isInteger(height) ? { width, height } : null
}
