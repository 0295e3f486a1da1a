/**
 * Fixtures for the security suite: a data root with a small TUM recording, a "secret" folder beside
 * it that nothing may read, and services started the way each host starts them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import type { AppInfo } from '../../src-main/contract'
import { consolePaths } from '../../src-main/platform/paths'
import { createServices, type Services } from '../../src-main/services/create-services'
import { writeColour, writeDepthPng } from '../unit/main/import/synthetic-sources'

export const secretText = 'TOP-SECRET-LINE root:x:0:0'

export interface Playground {
  base: string
  /** An allowed data root holding `tum/` (3 frames). */
  dataRoot: string
  tum: string
  /** Outside every root: `secret.txt`, `secret.png`. */
  secretDir: string
  home: string
}

export async function playground(): Promise<Playground> {
  const base = mkdtempSync(join(tmpdir(), 'dve-sec-'))
  const dataRoot = join(base, 'data')
  const tum = join(dataRoot, 'tum')
  const secretDir = join(base, 'secret')
  mkdirSync(secretDir, { recursive: true })
  writeFileSync(join(secretDir, 'secret.txt'), `${secretText}\n${secretText}\n`)
  await writeColour(join(secretDir, 'secret.png'), 99)
  const rgbRows: string[] = []
  const depthRows: string[] = []
  for (let k = 0; k < 3; k++) {
    await writeColour(join(tum, 'rgb', `${k}.png`), k)
    await writeDepthPng(join(tum, 'depth', `${k}.png`))
    rgbRows.push(`${k}.0 rgb/${k}.png`)
    depthRows.push(`${k}.0 depth/${k}.png`)
  }
  writeFileSync(join(tum, 'rgb.txt'), `${rgbRows.join('\n')}\n`)
  writeFileSync(join(tum, 'depth.txt'), `${depthRows.join('\n')}\n`)
  return { base, dataRoot, tum, secretDir, home: join(base, 'home') }
}

export async function startServices(ground: Playground, host: AppInfo['host']): Promise<Services> {
  const paths = { ...consolePaths(ground.home), resources: join(ground.base, 'resources') }
  return createServices({ host, version: 'security-test', paths, dataRoots: [ground.dataRoot] })
}

/** A PNG whose header declares `width` × `height` but whose data is a few bytes (a decompression bomb's header). */
export function pngDeclaring(width: number, height: number, bitDepth = 8, colourType = 2): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8)
  // One megabyte of zero rows compresses to about a kilobyte: enough to start a decoder working.
  const idat = deflateSync(Buffer.alloc(2 ** 20))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Every string in a value (reports, errors), to assert that no file content leaked into it. */
export function allText(value: unknown): string {
  return JSON.stringify(value)
}
