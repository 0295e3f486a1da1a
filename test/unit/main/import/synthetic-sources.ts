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

export async function writeDepthPng(path: string, data = depthRamp(), width = size.width, height = size.height): Promise<void> {
  await put(path, encode({ width, height, data, depth: 16, channels: 1 }))
}

export async function writeDepth8Png(path: string): Promise<void> {
  await put(path, encode({ width: size.width, height: size.height, data: new Uint8Array(size.width * size.height).fill(9), depth: 8, channels: 1 }))
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
export async function writePgm(path: string, data: Uint16Array, order: 'big' | 'little', width = size.width, height = size.height): Promise<void> {
  const header = new TextEncoder().encode(`P5\n# test depth\n${width} ${height}\n65535\n`)
  const body = new Uint8Array(data.length * 2)
  const view = new DataView(body.buffer)
  data.forEach((v, k) => view.setUint16(k * 2, v, order === 'little'))
  const bytes = new Uint8Array(header.length + body.length)
  bytes.set(header)
  bytes.set(body, header.length)
  await put(path, bytes)
}

export const matrixText = (m: readonly number[]): string => [0, 1, 2, 3].map((r) => m.slice(r * 4, r * 4 + 4).join(' ')).join('\n') + '\n'

export const translation = (x: number, y: number, z: number): number[] => [1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1]

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
