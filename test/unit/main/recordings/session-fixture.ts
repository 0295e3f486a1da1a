/** Writes small synthetic sessions (docs/FORMATS.md §1) into a temporary library for the tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from 'fast-png'
import sharp from 'sharp'
import { expect } from 'vitest'
import { ConsoleError, type SessionManifest } from '../../../../src-main/contract'

export const fixtureCamera = { width: 32, height: 24, fx: 30, fy: 30, cx: 15.5, cy: 11.5 }

/** Raw depth of pixel (x, y) in frame f: mm, with 0 and 65535 as holes in fixed places. */
export function rawDepth(f: number, x: number, y: number): number {
  if (x === 0 && y === 0) return 0
  if (x === 1 && y === 0) return 65535
  return 500 + 100 * f + 10 * x + y
}

export function rgbPixel(f: number, x: number, y: number): [number, number, number] {
  return [(8 * x) % 256, (10 * y) % 256, (60 * f) % 256]
}

export interface FixtureOptions {
  id?: string
  frames?: number
  /** RGB stored at this size (differs from the camera to test scaling). */
  rgbSize?: { width: number; height: number }
  posed?: boolean
  labels?: boolean
}

export function makeLibrary(): string {
  return mkdtempSync(join(tmpdir(), 'dve-lib-'))
}

export async function writeSession(dir: string, options: FixtureOptions = {}): Promise<SessionManifest> {
  const id = options.id ?? 'fixture-session'
  const count = options.frames ?? 4
  const rgbSize = options.rgbSize ?? { width: fixtureCamera.width, height: fixtureCamera.height }
  for (const sub of ['rgb', 'depth', 'labels']) mkdirSync(join(dir, sub), { recursive: true })
  const frames: SessionManifest['frames'] = []
  for (let f = 0; f < count; f++) {
    const name = String(f).padStart(6, '0')
    const { width, height } = fixtureCamera
    const depth = new Uint16Array(width * height)
    const labels = new Uint8Array(width * height)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        depth[y * width + x] = rawDepth(f, x, y)
        labels[y * width + x] = x < width / 2 ? 1 : 2
      }
    }
    writeFileSync(join(dir, 'depth', `${name}.png`), encode({ width, height, data: depth, depth: 16, channels: 1 }))
    if (options.labels)
      writeFileSync(join(dir, 'labels', `${name}.png`), encode({ width, height, data: labels, depth: 8, channels: 1 }))
    const rgb = Buffer.alloc(rgbSize.width * rgbSize.height * 3)
    for (let y = 0; y < rgbSize.height; y++)
      for (let x = 0; x < rgbSize.width; x++) rgb.set(rgbPixel(f, x, y), 3 * (y * rgbSize.width + x))
    await sharp(rgb, { raw: { ...rgbSize, channels: 3 } })
      .png()
      .toFile(join(dir, 'rgb', `${name}.png`))
    frames.push({
      index: f,
      timestampSec: f * 0.1,
      sourceName: `src-${f}`,
      rgb: `rgb/${name}.png`,
      depth: `depth/${name}.png`,
      worldFromCamera: options.posed === false ? null : [1, 0, 0, f, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      ...(options.labels ? { labels: `labels/${name}.png` } : {}),
    })
  }
  const manifest: SessionManifest = {
    format: 'dve-session',
    version: 1,
    id,
    name: `Fixture ${id}`,
    createdAt: '2026-11-26T10:00:00.000Z',
    source: { format: 'generic', path: '/nowhere' },
    camera: fixtureCamera,
    rgbSize,
    depthUnitMeters: 0.001,
    depthInvalidValues: [0, 65535],
    hasPoses: options.posed !== false,
    frames,
  }
  writeFileSync(join(dir, 'session.json'), JSON.stringify(manifest, null, 2))
  return manifest
}

/** The ConsoleError a promise rejects with (fails the test when it resolves or throws something else). */
export async function consoleErrorOf(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConsoleError)
  return error as ConsoleError
}
