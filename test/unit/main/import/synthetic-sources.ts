/** Small synthetic recordings written by the tests (never copies of the shared data). */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { encode } from 'fast-png'
import sharp from 'sharp'

export const size = { width: 16, height: 12 }

/** Depth in raw units: a ramp so that every pixel is distinct and valid. */
export function depthRamp(width = size.width, height = size.height, base = 1000): Uint16Array {
  return Uint16Array.from({ length: width * height }, (_, p) => base + p)
}

async function put(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, data)
}

export async function writeDepthPng(
  path: string,
  data = depthRamp(),
  width = size.width,
  height = size.height,
): Promise<void> {
  await put(path, encode({ width, height, data, depth: 16, channels: 1 }))
}

export async function writeDepth8Png(path: string): Promise<void> {
  await put(
    path,
    encode({
      width: size.width,
      height: size.height,
      data: new Uint8Array(size.width * size.height).fill(9),
      depth: 8,
      channels: 1,
    }),
  )
}

export async function writeColour(path: string, seed = 0): Promise<void> {
  const pixels = Uint8Array.from({ length: size.width * size.height * 3 }, (_, i) => (i * 5 + seed) % 256)
  const image = sharp(pixels, { raw: { width: size.width, height: size.height, channels: 3 } })
  await put(path, await (path.endsWith('.png') ? image.png() : image.jpeg()).toBuffer())
}

export async function writeTruncated(path: string, from: string): Promise<void> {
  const bytes = await readFile(from)
  await put(path, bytes.subarray(0, Math.floor(bytes.length / 2)))
}

export async function writeText(path: string, text: string): Promise<void> {
  await put(path, text)
}

/** A 16-bit binary PGM of `data` in the given byte order. */
export async function writePgm(
  path: string,
  data: Uint16Array,
  order: 'big' | 'little',
  width = size.width,
  height = size.height,
): Promise<void> {
  const header = new TextEncoder().encode(`P5\n# test depth\n${width} ${height}\n65535\n`)
  const body = new Uint8Array(data.length * 2)
  const view = new DataView(body.buffer)
  data.forEach((v, k) => view.setUint16(k * 2, v, order === 'little'))
  const bytes = new Uint8Array(header.length + body.length)
  bytes.set(header)
  bytes.set(body, header.length)
  await put(path, bytes)
}

export const matrixText = (m: readonly number[]): string =>
  [0, 1, 2, 3].map((r) => m.slice(r * 4, r * 4 + 4).join(' ')).join('\n') + '\n'

export const translation = (x: number, y: number, z: number): number[] => [
  1,
  0,
  0,
  x,
  0,
  1,
  0,
  y,
  0,
  0,
  1,
  z,
  0,
  0,
  0,
  1,
]

/** A 7-Scenes folder of `count` good frames (numbers 0, 10, 20, …) with intrinsics. */
export async function writeSevenScenes(dir: string, count: number): Promise<void> {
  await writeText(join(dir, 'camera-intrinsics.txt'), '20 0 8\n0 20 6\n0 0 1\n')
  for (let k = 0; k < count; k++) {
    const stem = join(dir, `frame-${String(k * 10).padStart(6, '0')}`)
    await writeColour(`${stem}.color.png`, k)
    await writeDepthPng(`${stem}.depth.png`)
    await writeText(`${stem}.pose.txt`, matrixText(translation(k * 0.1, 0, 0)))
  }
}

/** A minimal uncompressed little-endian TIFF of one grey channel: 16-bit unsigned or 32-bit float samples. */
export async function writeTiff(
  path: string,
  data: Uint16Array | Float32Array,
  width: number,
  height: number,
): Promise<void> {
  const float = data instanceof Float32Array
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, float ? 32 : 16],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // strip offset, set below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, data.byteLength],
    [339, 3, float ? 3 : 1],
  ]
  const ifdSize = 2 + entries.length * 12 + 4
  const dataOffset = 8 + ifdSize
  const bytes = new Uint8Array(dataOffset + data.byteLength)
  const view = new DataView(bytes.buffer)
  bytes.set([0x49, 0x49, 0x2a, 0x00])
  view.setUint32(4, 8, true)
  view.setUint16(8, entries.length, true)
  entries.forEach(([tag, type, value], k) => {
    const at = 10 + k * 12
    view.setUint16(at, tag, true)
    view.setUint16(at + 2, type, true)
    view.setUint32(at + 4, 1, true)
    const v = tag === 273 ? dataOffset : value
    if (type === 3) view.setUint16(at + 8, v, true)
    else view.setUint32(at + 8, v, true)
  })
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataOffset)
  await put(path, bytes)
}
