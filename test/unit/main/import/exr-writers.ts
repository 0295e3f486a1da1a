/**
 * EXR depth files for the import tests. Multi-channel files come from three.js's EXRExporter (RGBA,
 * ZIP-compressed, as renderers write them); the exporter writes no single-channel file, so
 * Record3D's one float `R` channel is written here: uncompressed scanlines, one line per chunk.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DataTexture, FloatType, RGBAFormat } from 'three'
import { EXRExporter, ZIP_COMPRESSION } from 'three/examples/jsm/exporters/EXRExporter.js'

async function put(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, bytes)
}

/** RGBA float EXR with `values` (top row first) in R, G and B. */
export async function writeRgbaExr(path: string, values: Float32Array, width: number, height: number): Promise<void> {
  const rgba = new Float32Array(width * height * 4)
  // The exporter takes a GL texture (bottom row first) and writes the file top row first.
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = values[(height - 1 - y) * width + x]!
      rgba.set([v, v, v, 1], (y * width + x) * 4)
    }
  const texture = new DataTexture(rgba, width, height, RGBAFormat, FloatType)
  await put(path, await new EXRExporter().parse(texture, { type: FloatType, compression: ZIP_COMPRESSION }))
}

/** Single-channel 32-bit float EXR (channel `channel`), uncompressed, top row first. */
export async function writeOneChannelExr(
  path: string,
  values: Float32Array,
  width: number,
  height: number,
  channel = 'R',
): Promise<void> {
  const parts: Buffer[] = [Buffer.from([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0])]
  const attribute = (name: string, type: string, value: Buffer): void => {
    const size = Buffer.alloc(4)
    size.writeInt32LE(value.length)
    parts.push(Buffer.from(`${name}\0${type}\0`, 'latin1'), size, value)
  }
  const ints = (...v: number[]): Buffer => Buffer.from(new Int32Array(v).buffer)
  const floats = (...v: number[]): Buffer => Buffer.from(new Float32Array(v).buffer)
  // name, FLOAT (2), pLinear + reserved, x/y sampling 1, then the list's end.
  attribute('channels', 'chlist', Buffer.concat([Buffer.from(`${channel}\0`), ints(2, 0, 1, 1), Buffer.from([0])]))
  attribute('compression', 'compression', Buffer.from([0]))
  attribute('dataWindow', 'box2i', ints(0, 0, width - 1, height - 1))
  attribute('displayWindow', 'box2i', ints(0, 0, width - 1, height - 1))
  attribute('lineOrder', 'lineOrder', Buffer.from([0]))
  attribute('pixelAspectRatio', 'float', floats(1))
  attribute('screenWindowCenter', 'v2f', floats(0, 0))
  attribute('screenWindowWidth', 'float', floats(1))
  parts.push(Buffer.from([0]))
  const headerBytes = parts.reduce((n, p) => n + p.length, 0)
  const lineBytes = 8 + width * 4
  const offsets = Buffer.alloc(8 * height)
  for (let y = 0; y < height; y++) offsets.writeBigUInt64LE(BigInt(headerBytes + 8 * height + y * lineBytes), y * 8)
  parts.push(offsets)
  for (let y = 0; y < height; y++)
    parts.push(ints(y, width * 4), Buffer.from(values.slice(y * width, (y + 1) * width).buffer))
  await put(path, Buffer.concat(parts))
}
