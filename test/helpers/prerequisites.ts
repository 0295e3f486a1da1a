/**
 * What a test needs from the machine (Chromium, the shared recordings, shipped demo files). On a
 * user's clone a missing prerequisite skips the tests with a message; under `CI=true` it fails them
 * naming what is missing, so CI cannot pass by skipping.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { delimiter, join, relative, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '..', '..')

/** `../shared/data` next to the checkout; `DVE_SHARED_DATA` points elsewhere (CI dry runs use a missing folder). */
export const sharedDataDir = resolve(process.env.DVE_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'))

export const inCi = process.env.CI === 'true'

export interface Prerequisite {
  /** Named in the skip message and in the CI failure, e.g. "Chromium (chromium on PATH)". */
  what: string
  present: boolean
}

/**
 * '' when every prerequisite is present, else the reason to skip (also printed). Under CI=true a
 * missing one throws while the file is collected, which fails the file with the reason.
 */
export function skipReason(suite: string, prerequisites: Prerequisite[]): string {
  const missing = prerequisites.filter((p) => !p.present).map((p) => p.what)
  if (missing.length === 0) return ''
  const reason = `missing ${missing.join(', ')}`
  if (inCi)
    throw new Error(
      `${suite}: CI=true and a test prerequisite is ${reason}. Install it (see .ci/run); CI does not skip.`,
    )
  console.warn(`${suite} skipped: ${reason}`)
  return reason
}

/** Suite title with the skip reason appended, so the reporter shows why it did not run. */
export function titled(suite: string, reason: string): string {
  return reason ? `${suite} — skipped: ${reason}` : suite
}

function executableOnPath(names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {
        // not in this folder
      }
    }
  }
  return null
}

/** `CHROMIUM_PATH`, else the first chromium / chromium-browser / google-chrome on PATH; null when none. */
export const chromiumPath: string | null = process.env.CHROMIUM_PATH
  ? existsSync(process.env.CHROMIUM_PATH)
    ? process.env.CHROMIUM_PATH
    : null
  : executableOnPath(['chromium', 'chromium-browser', 'google-chrome'])

export function chromium(): Prerequisite {
  return {
    what: `Chromium (${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : 'chromium on PATH'})`,
    present: chromiumPath !== null,
  }
}

/** A recording folder in the shared data (its README marks a complete copy), or the folder itself when no name is given. */
export function sharedData(name?: string): Prerequisite {
  const path = name ? join(sharedDataDir, name) : sharedDataDir
  const probe = name ? join(path, 'README.md') : path
  return { what: `shared recording ${path}`, present: existsSync(probe) }
}

/** A file shipped in the repository (demo pack, demo recording, fixtures), given relative to the repository root. */
export function repoFile(path: string): Prerequisite {
  const absolute = resolve(repoRoot, path)
  return { what: relative(repoRoot, absolute), present: existsSync(absolute) }
}

/** Any paths (absolute or relative to the repository root) that must exist; the missing ones, [] when none (same CI rule). */
export function missingPaths(suite: string, paths: string[]): string[] {
  const prerequisites = paths.map(repoFile)
  skipReason(suite, prerequisites)
  return prerequisites.filter((p) => !p.present).map((p) => p.what)
}

/** Frames of the shipped demo recording (tests read it rather than repeat the walk's length). */
export function demoRecordingFrameCount(): number {
  const manifest: unknown = JSON.parse(
    readFileSync(join(repoRoot, 'resources', 'demo-recording', 'session.json'), 'utf8'),
  )
  const frames = (manifest as { frames?: unknown }).frames
  if (!Array.isArray(frames)) throw new Error('resources/demo-recording/session.json: no frames list')
  return frames.length
}
