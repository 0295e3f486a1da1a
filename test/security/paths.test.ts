/**
 * No file outside its roots: every path-taking method and import option, in browser mode and the CLI
 * host; index entries (absolute, `../`), symlinks in sources and in the data folder, hidden files.
 * (The Electron host's handlers are in electron-host.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConsoleError, type ImportReport } from '../../src-main/contract'
import type { Services } from '../../src-main/services/create-services'
import { PathPolicy } from '../../src-main/services/security/path-policy'
import { pathPolicyFor } from '../../src-main/services/recordings/create-recordings'
import { writeColour, writeDepthPng } from '../unit/main/import/synthetic-sources'
import { allText, playground, secretText, startServices, type Playground } from './security-kit'

let services: Services | null = null
afterEach(async () => {
  await services?.dispose()
  services = null
})

async function errorOf(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConsoleError)
  return error as ConsoleError
}

async function importAndReport(s: Services, path: string, options = {}): Promise<ImportReport> {
  const { jobId } = await s.api.sessions.import({ path, options })
  return s.api.sessions.importReport({ jobId })
}

/** Every file under a folder, concatenated (to check a secret's bytes were not copied in). */
function folderBytes(dir: string): Buffer {
  const parts: Buffer[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) parts.push(readFileSync(join(entry.parentPath, entry.name)))
  return Buffer.concat(parts)
}

async function redwoodSource(dir: string): Promise<void> {
  for (let k = 0; k < 2; k++) {
    await writeColour(join(dir, 'color', `0000${k}.jpg`), k)
    await writeDepthPng(join(dir, 'depth', `0000${k}.png`))
  }
  writeFileSync(
    join(dir, 'camera_test.json'),
    JSON.stringify({ width: 16, height: 12, intrinsic_matrix: [20, 0, 0, 0, 21, 0, 7.5, 5.5, 1] }),
  )
  writeFileSync(join(dir, 'trajectory.log'), '')
}

describe('browser mode: reads stay inside the allowed roots', () => {
  let ground: Playground
  const start = async () => {
    ground = await playground()
    services = await startServices(ground, 'browser')
    return services
  }

  it('answers a path outside and a missing path with the same words', async () => {
    const s = await start()
    const outside = await errorOf(s.api.sessions.detect({ path: ground.secretDir }))
    const missing = await errorOf(s.api.sessions.detect({ path: join(ground.dataRoot, 'nothing-here') }))
    const viaDots = await errorOf(s.api.sessions.import({ path: `${ground.dataRoot}/../secret` }))
    for (const error of [outside, missing, viaDots]) {
      expect(error.code).toBe('not_found')
      expect(error.message).toMatch(
        /: not available \(it does not exist, or lies outside the folders this console may use\)\.$/,
      )
    }
  })

  it('refuses a symlink in a root that leads outside, and never lists it or dot entries', async () => {
    const s = await start()
    symlinkSync(ground.secretDir, join(ground.dataRoot, 'escape'))
    mkdirSync(join(ground.dataRoot, '.ssh'))
    writeFileSync(join(ground.dataRoot, '.ssh', 'id_rsa'), secretText)
    expect((await errorOf(s.api.sessions.browse({ path: join(ground.dataRoot, 'escape') }))).code).toBe('not_found')
    expect((await errorOf(s.api.sessions.browse({ path: join(ground.dataRoot, '.ssh') }))).code).toBe('not_found')
    const listing = await s.api.sessions.browse({ path: ground.dataRoot, showHidden: true })
    expect(listing.entries.map((e) => e.name)).toEqual(['tum'])
  })

  it('keeps the pose-file option inside the source, and hidden files out of reach', async () => {
    const s = await start()
    const source = join(ground.dataRoot, 'redwood')
    await redwoodSource(source)
    writeFileSync(join(source, '.hidden.log'), `${secretText}\n`)
    for (const poseFile of ['../../secret/secret.txt', '.hidden.log']) {
      const error = await errorOf(importAndReport(s, source, { poseFile }))
      expect(error.message).toMatch(/file is missing or lies outside the source folder/)
      expect(allText(error)).not.toContain('TOP-SECRET')
    }
  })
})

describe.each(['cli', 'browser'] as const)('%s host: an import reads only its own source', (host) => {
  it('skips absolute and ../ index entries and links leading outside, copying none of their bytes', async () => {
    const ground = await playground()
    services = await startServices(ground, host)
    const secretPng = join(ground.secretDir, 'secret.png')
    writeFileSync(join(ground.tum, 'rgb.txt'), `0.0 rgb/0.png\n1.0 ${secretPng}\n2.0 ../../secret/secret.png\n`)
    symlinkSync(secretPng, join(ground.tum, 'rgb', 'link.png'))
    writeFileSync(
      join(ground.tum, 'rgb.txt'),
      `0.0 rgb/0.png\n1.0 ${secretPng}\n2.0 ../../secret/secret.png\n3.0 rgb/link.png\n`,
    )
    writeFileSync(join(ground.tum, 'depth.txt'), '0.0 depth/0.png\n1.0 depth/1.png\n2.0 depth/2.png\n3.0 depth/0.png\n')
    const report = await importAndReport(services, ground.tum)
    expect(report.imported).toBe(1)
    const refused = report.skipped.filter((s) => s.reason === 'file is missing or lies outside the source folder')
    expect(refused).toHaveLength(3)
    const sessionDir = join(ground.home, 'sessions', report.sessionId)
    expect(folderBytes(sessionDir).includes(readFileSync(secretPng))).toBe(false)
  })

  it('quotes no line of a file it could not parse', async () => {
    const ground = await playground()
    services = await startServices(ground, host)
    writeFileSync(join(ground.tum, 'depth.txt'), `0.0 depth/0.png\n${secretText}\n1.0 depth/1.png\n`)
    writeFileSync(join(ground.tum, 'groundtruth.txt'), `0.0 ${secretText}\n`)
    const report = await importAndReport(services, ground.tum)
    expect(report.skipped.length).toBeGreaterThan(0)
    expect(allText(report)).not.toContain('TOP-SECRET')
    expect(allText(report)).not.toContain('root:x')
  })
})

describe('the data folder: frame files are served only from inside their session', () => {
  it('refuses a frame file that is a link to elsewhere, with the missing-file words', async () => {
    const ground = await playground()
    services = await startServices(ground, 'browser')
    const report = await importAndReport(services, ground.tum)
    const sessionDir = join(ground.home, 'sessions', report.sessionId)
    const manifest = JSON.parse(readFileSync(join(sessionDir, 'session.json'), 'utf8')) as {
      frames: Array<{ rgb: string }>
    }
    const rgb = join(sessionDir, manifest.frames[0]!.rgb)
    const { rmSync } = await import('node:fs')
    rmSync(rgb)
    symlinkSync(join(ground.secretDir, 'secret.png'), rgb)
    const error = await errorOf(
      services.data.handle(`sessions/${report.sessionId}/frames/0/rgb`, new URLSearchParams()),
    )
    expect(error.message).toMatch(/file is missing or lies outside the session folder/)
  })
})

describe('the path policy', () => {
  it('never replaces an existing file without overwrite, in any mode', async () => {
    const ground = await playground()
    const existing = join(ground.home, 'out.ply')
    mkdirSync(ground.home, { recursive: true })
    writeFileSync(existing, 'old')
    for (const mode of ['cli', 'electron', 'browser'] as const) {
      const policy = new PathPolicy({ mode, readRoots: [], writeRoots: [ground.home] })
      expect((await errorOf(policy.writable(existing))).code).toBe('conflict')
      expect(await policy.writable(existing, true)).toBe(existing)
      expect(await policy.writable(join(ground.home, 'new.ply'))).toBe(join(ground.home, 'new.ply'))
    }
  })

  it('in browser mode, writes only in the data folder and the data roots the operator named', async () => {
    const ground = await playground()
    const dataRoot = join(ground.home, '..', 'exchange')
    mkdirSync(dataRoot, { recursive: true })
    const paths = {
      home: ground.home,
      sessions: join(ground.home, 'sessions'),
      cache: join(ground.home, 'cache'),
      userModels: join(ground.home, 'models'),
      shippedModels: ground.secretDir,
      resources: ground.secretDir,
    }
    const policy = pathPolicyFor('browser', paths, [dataRoot])
    expect(await policy.writable(join(dataRoot, 'labels.json'))).toBe(join(dataRoot, 'labels.json'))
    expect(await policy.writable(join(ground.home, 'map.ply'))).toBe(join(ground.home, 'map.ply'))
    // Readable is not writable: the shipped resources and the rest of the user's home stay read-only.
    expect((await errorOf(policy.writable(join(ground.secretDir, 'export.ply')))).code).toBe('not_found')
  })

  it('in Electron, reads and writes only what a dialog granted (and the data folder)', async () => {
    const ground = await playground()
    const policy = new PathPolicy({ mode: 'electron', readRoots: [ground.home], writeRoots: [ground.home] })
    const target = join(ground.secretDir, 'export.ply')
    expect((await errorOf(policy.readable(ground.tum))).code).toBe('not_found')
    expect((await errorOf(policy.writable(target))).code).toBe('not_found')
    await policy.grant(ground.tum, 'read')
    await policy.grant(target, 'write')
    expect(await policy.readable(join(ground.tum, 'rgb.txt'))).toBe(join(ground.tum, 'rgb.txt'))
    expect(await policy.writable(target)).toBe(target)
    // A read grant does not allow writing, and a symlink inside a granted folder cannot lead out.
    expect((await errorOf(policy.writable(join(ground.tum, 'x.ply')))).code).toBe('not_found')
    symlinkSync(ground.secretDir, join(ground.tum, 'escape'))
    expect((await errorOf(policy.readable(join(ground.tum, 'escape', 'secret.txt')))).code).toBe('not_found')
  })
})
