/**
 * Faults, through the real `dve` process: SIGINT and SIGTERM during inference, import and map build
 * (exit code 130/143, one line, no abort, resumable), kill -9 during an import followed by a start
 * that sweeps the leftovers, a full disk (a small tmpfs where mounting is allowed), and two processes
 * sharing an embedding cache while one evicts.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EmbeddingCache } from '../../src-main/services/inference/embedding-cache'
import { writeColour, writeDepthPng } from '../unit/main/import/synthetic-sources'

const repoRoot = resolve(import.meta.dirname, '../..')
const dveEntry = join(repoRoot, 'src-main', 'cli', 'dve.mjs')

interface Run {
  child: ChildProcess
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function dve(args: string[], home: string): Run {
  const child = spawn(process.execPath, [dveEntry, ...args], {
    env: { ...process.env, DVE_HOME: home, DVE_PROGRESS_LINES: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout?.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  )
  return { child, stderr: () => stderr, exited }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []
}

/** A TUM folder with `count` small frames: long enough to interrupt, quick to make. */
async function tumSource(dir: string, count: number): Promise<void> {
  const rgb: string[] = []
  const depth: string[] = []
  for (let k = 0; k < count; k++) {
    await writeColour(join(dir, 'rgb', `${k}.png`), k)
    await writeDepthPng(join(dir, 'depth', `${k}.png`))
    rgb.push(`${k / 30} rgb/${k}.png`)
    depth.push(`${k / 30} depth/${k}.png`)
  }
  writeFileSync(join(dir, 'rgb.txt'), `${rgb.join('\n')}\n`)
  writeFileSync(join(dir, 'depth.txt'), `${depth.join('\n')}\n`)
}

const homes: string[] = []
function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'dve-fault-'))
  homes.push(home)
  return home
}
afterAll(() => {
  for (const home of homes) spawnSync('rm', ['-rf', home])
})

function expectCleanStop(stderr: string, code: number | null, expected: number, signal: string): void {
  expect(stderr).not.toMatch(/terminate called|Napi::Error|Aborted|core dumped/)
  expect(code).toBe(expected)
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('dve: stopped by'))
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`stopped by ${signal}`)
}

describe('interrupting the CLI', { timeout: 180_000 }, () => {
  it('SIGINT during inference: exit 130, one line, no abort; the next run continues from the cache', async () => {
    const home = freshHome()
    const run = dve(['infer', 'demo-apartment', '--frames', '0:120'], home)
    // Wait until a few frames are in the cache: the native session is loaded and running.
    await until(
      () => files(join(home, 'cache')).filter((f) => f.endsWith('.dvemb')).length >= 3,
      120_000,
      'cached frames',
    )
    run.child.kill('SIGINT')
    const { code } = await run.exited
    expectCleanStop(run.stderr(), code, 130, 'SIGINT')
    expect(run.stderr()).toMatch(/computed frames are in the cache/)
    const cached = files(join(home, 'cache')).filter((f) => f.endsWith('.dvemb')).length
    expect(cached).toBeGreaterThanOrEqual(3)
    expect(cached).toBeLessThan(120)
  })

  /** `dve infer` in its own process group, as a shell runs a foreground command: Ctrl-C reaches every process in it. */
  async function inferInGroup(home: string) {
    const child = spawn(process.execPath, [dveEntry, 'infer', 'demo-apartment', '--frames', '0:120'], {
      env: { ...process.env, DVE_HOME: home, DVE_PROGRESS_LINES: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.resume()
    // The stream closes when the last process holding it (the native-work process too) has ended.
    const closed = new Promise<void>((done) => child.stderr.on('close', () => done()))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    await until(() => files(join(home, 'cache')).some((f) => f.endsWith('.dvemb')), 120_000, 'a cached frame')
    const group = child.pid as number
    const inGroup = () => spawnSync('ps', ['-o', 'pid=', '-g', String(group)], { encoding: 'utf8' }).stdout.trim()
    return { group, exited, closed, stderr: () => stderr, inGroup }
  }

  it('Ctrl-C in a terminal (the whole process group): the native call returns, exit 130 with one line', async () => {
    const run = await inferInGroup(freshHome())
    process.kill(-run.group, 'SIGINT')
    const code = await run.exited
    await run.closed
    expectCleanStop(run.stderr(), code, 130, 'SIGINT')
    // The native-work process is not killed by the keystroke: the host stops it after its call.
    expect(run.stderr()).not.toMatch(/killed by SIGINT|native-work process stopped/)
    await until(() => run.inGroup() === '', 10_000, 'the native-work process to end')
  })

  it('Ctrl-C twice: exit 130 at once, the native-work process ends after its call, no abort', async () => {
    const run = await inferInGroup(freshHome())
    process.kill(-run.group, 'SIGINT')
    await until(() => run.stderr().includes('Cancelling'), 30_000, 'the first Ctrl-C to be handled')
    try {
      process.kill(-run.group, 'SIGINT')
    } catch (error) {
      // The stop finished and the whole group exited before the second keystroke: the other ending below.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
    expect(await run.exited).toBe(130)
    await run.closed
    // Either the second signal came while the work was stopping, or the stop had already finished.
    expect(run.stderr()).toMatch(/SIGINT again: exiting without waiting for the running work|dve: stopped by SIGINT/)
    expect(run.stderr()).not.toMatch(/terminate called|Napi::Error|Aborted|core dumped/)
    await until(() => run.inGroup() === '', 10_000, 'the native-work process to end')
  })

  it('SIGTERM during a map build: exit 143, a checkpoint is saved and the next build continues it', async () => {
    const home = freshHome()
    const run = dve(['map', 'build', 'demo-apartment', '--geometry'], home)
    await until(() => /Build map|voxels/.test(run.stderr()), 120_000, 'map build progress')
    await new Promise((r) => setTimeout(r, 1500))
    run.child.kill('SIGTERM')
    const { code } = await run.exited
    expectCleanStop(run.stderr(), code, 143, 'SIGTERM')
    expect(files(join(home, 'maps')).some((f) => f.endsWith('map.json'))).toBe(true)
    const info = spawnSync(process.execPath, [dveEntry, 'map', 'info', 'demo-apartment', '--json'], {
      env: { ...process.env, DVE_HOME: home },
      encoding: 'utf8',
    })
    const status = JSON.parse(info.stdout) as { map: { complete: boolean; framesFused: number } | null }
    expect(status.map?.complete).toBe(false)
    expect(status.map?.framesFused).toBeGreaterThan(0)
  })

  /** An import of 400 frames, once it is writing frames into its temporary folder. */
  async function importUnderWay(): Promise<{ home: string; sessions: string; run: Run }> {
    const home = freshHome()
    const source = join(home, 'source')
    await tumSource(source, 400)
    const run = dve(['import', source], home)
    const sessions = join(home, 'sessions')
    await until(
      () => files(sessions).some((f) => /^\.importing-[^/]+\/rgb\/\d+/.test(f)),
      120_000,
      'the import to write frames',
    )
    return { home, sessions, run }
  }

  it('SIGINT during an import: exit 130, no session and no temporary folder left', async () => {
    const { sessions, run } = await importUnderWay()
    run.child.kill('SIGINT')
    const { code } = await run.exited
    expectCleanStop(run.stderr(), code, 130, 'SIGINT')
    expect(readdirSync(sessions)).toEqual([])
  })

  it('kill -9 during an import leaves a folder that the next start removes, saying so', async () => {
    const { home, sessions, run } = await importUnderWay()
    run.child.kill('SIGKILL')
    await run.exited
    const left = readdirSync(sessions)
    expect(left.some((n) => n.startsWith('.importing-'))).toBe(true)
    const next = spawnSync(process.execPath, [dveEntry, 'sessions'], {
      env: { ...process.env, DVE_HOME: home },
      encoding: 'utf8',
    })
    expect(next.status).toBe(0)
    expect(next.stderr).toMatch(/Removed an import interrupted when process \d+ ended: .*\.importing-.* \(\d+\.\d MB\)/)
    expect(readdirSync(sessions)).toEqual([])
  })
})

describe('a full disk', { timeout: 120_000 }, () => {
  it('gives one line naming the path and what was kept, and leaves no temporary files', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'dve-tmpfs-'))
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint])
    if (mounted.status !== 0) {
      console.warn(
        `full-disk test skipped: cannot mount a tmpfs here (${mounted.stderr.toString().trim() || 'mount failed'}).`,
      )
      return
    }
    try {
      const home = join(mountPoint, 'home')
      mkdirSync(home)
      const source = freshHome()
      await tumSource(join(source, 'big'), 200)
      const run = dve(['import', join(source, 'big')], home)
      const { code } = await run.exited
      const lines = run
        .stderr()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('dve:'))
      expect(code).toBe(1)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(
        /^dve: No space left on the device while writing .*\.importing-.*; nothing was imported and the partial session was removed; the source is untouched\./,
      )
      expect(run.stderr()).not.toMatch(/ENOSPC|\n\s+at /)
      expect(files(join(home, 'sessions'))).toEqual([])
    } finally {
      spawnSync('umount', [mountPoint])
    }
  })
})

describe('two processes sharing a cache', () => {
  it('one scanning while the other evicts does not fail', async () => {
    const root = join(freshHome(), 'cache')
    const halves = new Uint16Array(4 * 2 * 2)
    const entry = { dim: 4, width: 2, height: 2, cameraWidth: 2, cameraHeight: 2, halves }
    const writer = new EmbeddingCache(root, 2 ** 30, () => undefined)
    for (let k = 0; k < 1500; k++) await writer.put('model', 'session', k, entry)
    // A second process starts (scans) while the first one evicts everything.
    const reader = new EmbeddingCache(root, 2 ** 30, () => undefined)
    const [counts] = await Promise.all([reader.counts(), writer.clear()])
    expect(counts.entries).toBeLessThanOrEqual(1500)
    expect(await reader.get('model', 'session', 10)).toBeNull()
  })
})
