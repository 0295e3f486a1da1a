/** Shared helpers for the importer tests: a job context, a temporary library, the real recordings. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { afterAll, beforeAll } from 'vitest'
import {
  ConsoleError,
  sessionManifestSchema,
  type ImportOptions,
  type ImportReport,
  type SessionManifest,
} from '../../../../src-main/contract'
import type { JobContext } from '../../../../src-main/services/jobs/job-runner'
import { importSession } from '../../../../src-main/services/recordings/import'
import { sharedData, sharedDataDir, skipReason } from '../../../helpers/prerequisites'

export { sharedDataDir }

/** The real recording folder, or null (the caller skips with a message; under CI=true it fails) when it is not on this machine. */
export function sharedRecording(name: string): string | null {
  return skipReason(`import of ${name}`, [sharedData(name)]) === '' ? join(sharedDataDir, name) : null
}

/**
 * The real recording folder, or null with the skip message printed; under CI=true a missing
 * recording fails the test file instead of skipping it.
 */
export function requiredRecording(name: string): string | null {
  const path = sharedRecording(name)
  if (path) return path
  if (process.env.CI === 'true')
    throw new Error(`${join(sharedDataDir, name)} is missing, and CI=true requires the shared recordings.`)
  console.warn(skipMessage(name))
  return null
}

export function skipMessage(name: string): string {
  return `skipped: ${join(sharedDataDir, name)} is missing (the shared recordings are not on this machine)`
}

export function testJobContext(
  signal: AbortSignal = new AbortController().signal,
): JobContext & { progressCalls: number } {
  const ctx = {
    signal,
    progressCalls: 0,
    progress() {
      ctx.progressCalls++
    },
    throwIfCancelled() {
      if (signal.aborted) throw new ConsoleError('cancelled', 'cancelled')
    },
  }
  return ctx
}

export async function temporaryDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `dve-${prefix}-`))
}

export interface ImportedSession {
  report: ImportReport
  manifest: SessionManifest
  dir: string
}

export async function importInto(
  libraryDir: string,
  sourcePath: string,
  options: ImportOptions = {},
): Promise<ImportedSession> {
  const report = await importSession(sourcePath, options, libraryDir, testJobContext())
  const dir = join(libraryDir, report.sessionId)
  const manifest = sessionManifestSchema.parse(JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')))
  return { report, manifest, dir }
}

export async function readDepthPng(path: string): Promise<{ width: number; height: number; data: Uint16Array }> {
  const png = decode(await readFile(path))
  if (png.depth !== 16 || !(png.data instanceof Uint16Array)) throw new Error(`${path}: not a 16-bit PNG`)
  return { width: png.width, height: png.height, data: png.data }
}

/** Entries of the library folder (to check that nothing is left behind). */
export async function libraryEntries(libraryDir: string): Promise<string[]> {
  return (await readdir(libraryDir)).sort()
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true })
}

/** Temporary folders made before a test file's tests and removed after them; read fields inside tests. */
export function temporaryDirsForFile<K extends string>(...names: K[]): Record<K, string> {
  const dirs = {} as Record<K, string>
  beforeAll(async () => {
    for (const name of names) dirs[name] = await temporaryDir(name)
  })
  afterAll(async () => {
    for (const name of names) await removeDir(dirs[name])
  })
  return dirs
}
