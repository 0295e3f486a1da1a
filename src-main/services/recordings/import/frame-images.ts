/**
 * Decodes and validates one frame's images for the session writer: RGB through sharp (a full decode,
 * so truncated files are caught; PPM through the netpbm reader), depth PNG through fast-png (exact
 * 16-bit samples), PGM through the netpbm reader, TIFF (16-bit or 32-bit float) through sharp, EXR
 * (float) through exr-depth.ts.
 * Files that are already PNG/JPEG RGB or 16-bit PNG depth are copied, not re-encoded. Depth comes
 * back raw: the depth decision (depth-plausibility.ts) says how to read it.
 */
import { extname } from 'node:path'
import sharp from 'sharp'
import { decodePng } from '../../images/png-decoding'
import type { DepthSamples } from './depth-encodings'
import type { ImageSource, LoadedImage } from './import-plan'
import { decodeDepthExr, isExr } from './exr-depth'
import { turnedSize, turnSamples } from './frame-orientation'
import { chooseByteOrder, parsePgmHeader, parsePpm, readPgmSamples, type ByteOrder } from './pgm-decoder'
import { maxImageFileBytes, readSourceFile } from '../../security/source-confinement'
import { checkImageSize } from '../../security/image-limits'

/** A frame-level problem: the frame is skipped and reported with this file and reason. */
export class FrameProblem extends Error {
  constructor(
    readonly file: string,
    reason: string,
    readonly line?: number,
  ) {
    super(reason)
  }
}

export interface EncodedRgb {
  width: number
  height: number
  bytes: Uint8Array
  extension: 'png' | 'jpg'
  /** The stored image's 8-bit RGB pixels when decoding made them exactly (a live frame's model input). */
  pixels?: Uint8Array
}

export interface DepthImage {
  width: number
  height: number
  /** Raw samples as stored in the source (16-bit, or 32-bit float for float TIFF and EXR). */
  data: DepthSamples
  /** The source PNG when it can be copied unchanged (plain 16-bit depth). */
  png: Uint8Array | null
}

export function sourceLabel(source: ImageSource): string {
  return source.kind === 'file' ? source.path : source.label
}

export async function loadImage(source: ImageSource): Promise<LoadedImage> {
  if (source.kind === 'loaded')
    return source
      .load()
      .then(async (image) => {
        if (image.kind === 'encoded') await checkImageSize(image.bytes, source.label)
        return image
      })
      .catch((error: unknown) => {
        throw error instanceof FrameProblem ? error : new FrameProblem(source.label, errorText(error))
      })
  let bytes: Buffer
  try {
    // Confined to the import's source and bounded; the header is checked before anything decodes.
    bytes = await readSourceFile(source.path, maxImageFileBytes, 'an image')
    await checkImageSize(bytes, source.path)
  } catch (error) {
    throw new FrameProblem(
      source.path,
      error instanceof Error ? error.message.replace(`${source.path}: `, '').replace(/\.$/, '') : String(error),
    )
  }
  const extension = extname(source.path).toLowerCase()
  return {
    kind: 'encoded',
    bytes,
    extension: extension === '.png' ? 'png' : extension === '.jpg' || extension === '.jpeg' ? 'jpg' : 'png',
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export async function decodeRgb(source: ImageSource): Promise<EncodedRgb> {
  const file = sourceLabel(source)
  const image = await loadImage(source)
  const turn = source.turn ?? 0
  if (image.kind === 'depth16') throw new FrameProblem(file, 'expected a colour image, found 16-bit depth')
  try {
    if (image.kind === 'rgb8' || isNetpbm(image.bytes, 0x36)) {
      // sharp's libvips build reads no netpbm, so PPM goes through our reader.
      const rgb8 = image.kind === 'rgb8' ? image : parsePpm(image.bytes)
      const bytes = await sharp(rgb8.data, { raw: { width: rgb8.width, height: rgb8.height, channels: 3 } })
        .rotate(turn)
        .png({ compressionLevel: 1 })
        .toBuffer()
      return { ...turnedSize(rgb8, turn), bytes, extension: 'png', ...(turn ? {} : { pixels: rgb8.data }) }
    }
    // An EXIF orientation flag would make viewers turn the colour but not the depth: the decided
    // turn is applied to the pixels here and the flag is not written. Read beside the decode.
    const [decoded, orientation] = await Promise.all([
      sharp(image.bytes).raw().toBuffer({ resolveWithObject: true }),
      image.extension === 'jpg'
        ? sharp(image.bytes)
            .metadata()
            .then((m) => m.orientation ?? 1)
        : 1,
    ])
    const { width, height } = decoded.info
    const flagged = orientation > 1
    const copyable = !turn && !flagged && (source.kind === 'loaded' || /\.(png|jpe?g)$/i.test(file))
    const exact =
      decoded.info.channels === 3
        ? { pixels: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) }
        : {}
    if (copyable) return { width, height, bytes: image.bytes, extension: image.extension, ...exact }
    const pixels = sharp(decoded.data, { raw: { width, height, channels: decoded.info.channels } }).rotate(turn)
    const jpeg = image.extension === 'jpg' && /\.jpe?g$/i.test(file)
    const bytes = await (jpeg ? pixels.jpeg({ quality: 95 }) : pixels.png({ compressionLevel: 1 })).toBuffer()
    // JPEG stores other pixels than were decoded; lossless PNG of unturned pixels stores the same.
    return {
      ...turnedSize({ width, height }, turn),
      bytes,
      extension: jpeg ? 'jpg' : 'png',
      ...(jpeg || turn ? {} : exact),
    }
  } catch (error) {
    throw new FrameProblem(file, `cannot decode the colour image (${errorText(error)})`)
  }
}

/** The PGM byte order of a whole import: fixed by the options, or chosen on the first PGM read. */
export class PgmByteOrderChoice {
  constructor(private order: ByteOrder | null) {}
  get chosen(): ByteOrder | null {
    return this.order
  }
  resolve(bytes: Uint8Array, header: ReturnType<typeof parsePgmHeader>): ByteOrder {
    this.order ??= chooseByteOrder(bytes, header)
    return this.order
  }
}

function decodePgm(bytes: Uint8Array, pgm: PgmByteOrderChoice): DepthImage {
  const header = parsePgmHeader(bytes)
  if (header.maxValue <= 255) throw new Error(`the PGM is 8-bit (maxval ${header.maxValue}); depth must be 16-bit`)
  const data = readPgmSamples(bytes, header, pgm.resolve(bytes, header))
  return { width: header.width, height: header.height, data, png: null }
}

async function decodeDepthPng(bytes: Uint8Array, file: string): Promise<DepthImage> {
  const png = await decodePng(bytes, file)
  if (png.channels !== 1) throw new Error(`the depth PNG has ${png.channels} channels; expected 1 (grey)`)
  if (png.depth !== 16 || !(png.data instanceof Uint16Array))
    throw new Error(`the depth PNG is ${png.depth}-bit; expected 16-bit`)
  return { width: png.width, height: png.height, data: png.data, png: bytes }
}

/** "P5"/"P6" netpbm magic. */
const isNetpbm = (bytes: Uint8Array, kind: number): boolean => bytes[0] === 0x50 && bytes[1] === kind

const isTiff = (bytes: Uint8Array): boolean =>
  (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a) ||
  (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[3] === 0x2a)

/** 16-bit or 32-bit float single-channel TIFF through sharp (libvips keeps the sample format). */
async function decodeDepthTiff(bytes: Uint8Array): Promise<DepthImage> {
  const meta = await sharp(bytes).metadata()
  const float = meta.depth === 'float'
  if (!float && meta.depth !== 'ushort')
    throw new Error(`the depth TIFF has ${meta.depth ?? 'unknown'} samples; expected 16-bit or 32-bit float`)
  // grey16 keeps 16-bit samples as they are; without it libvips turns grey into 8-bit sRGB.
  const image = float
    ? sharp(bytes).extractChannel(0).raw({ depth: 'float' })
    : sharp(bytes).toColourspace('grey16').raw({ depth: 'ushort' })
  const { data, info } = await image.toBuffer({ resolveWithObject: true })
  const copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
  return {
    width: info.width,
    height: info.height,
    data: float ? new Float32Array(copy) : new Uint16Array(copy),
    png: null,
  }
}

export async function decodeDepth(source: ImageSource, pgm: PgmByteOrderChoice): Promise<DepthImage> {
  const stored = await decodeStoredDepth(source, pgm)
  const turn = source.turn ?? 0
  return turn ? { ...turnSamples(stored.data, stored, turn), png: null } : stored
}

async function decodeStoredDepth(source: ImageSource, pgm: PgmByteOrderChoice): Promise<DepthImage> {
  const file = sourceLabel(source)
  const image = await loadImage(source)
  try {
    if (image.kind === 'rgb8') throw new Error('expected 16-bit depth, found an 8-bit colour image')
    if (image.kind === 'depth16') return { width: image.width, height: image.height, data: image.data, png: null }
    if (/\.pgm$/i.test(file) || isNetpbm(image.bytes, 0x35)) return decodePgm(image.bytes, pgm)
    if (isTiff(image.bytes)) return await decodeDepthTiff(image.bytes)
    if (isExr(image.bytes)) return { ...decodeDepthExr(image.bytes, file), png: null }
    return await decodeDepthPng(image.bytes, file)
  } catch (error) {
    throw new FrameProblem(file, `cannot read the depth image (${errorText(error)})`)
  }
}

/**
 * The depth as 16-bit grey PNG: the source file when it can be copied, else encoded by sharp (about
 * 10× faster than fast-png's JS deflate, and off the main thread). A Uint16Array input is what
 * makes sharp read 16-bit samples.
 */
export async function encodeDepthPng(depth: {
  width: number
  height: number
  data: Uint16Array
  png: Uint8Array | null
}): Promise<Uint8Array> {
  if (depth.png) return depth.png
  return sharp(depth.data, { raw: { width: depth.width, height: depth.height, channels: 1 } })
    .toColourspace('grey16')
    .png({ compressionLevel: 1 })
    .toBuffer()
}
