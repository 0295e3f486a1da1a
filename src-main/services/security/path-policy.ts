/**
 * The one decision about which paths a request may read or write (docs/SECURITY.md).
 *
 * - browser mode: reads inside the allowed roots only (home, resources, --data-root, DVE_DATA_ROOTS),
 *   never through a hidden (dot) folder or file below a root; writes only in the data folder and the
 *   data roots the operator named (`--data-root`, `DVE_DATA_ROOTS`).
 * - Electron: paths the user picked in a native dialog during this session (and what lies below a
 *   picked folder), plus the data folder and the shipped resources.
 * - CLI: the person typing the command owns the paths; they are still resolved.
 *
 * Every path is resolved with realpath (symlinks included) before the check, and the refusal reads
 * the same whether the path is missing or outside, so answers do not reveal what exists. Writes never
 * replace an existing file unless the caller passes the user's explicit `overwrite`.
 */
import { lstat, readdir, realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { ConsoleError } from '../../contract'
import { printable } from './printable'

export type PathPolicyMode = 'browser' | 'electron' | 'cli'

export interface PathPolicyOptions {
  mode: PathPolicyMode
  /** Browser mode: the folders a client may read. Electron: folders always readable (data, resources). */
  readRoots: string[]
  /** Folders always writable besides dialog picks (the data folder). */
  writeRoots?: string[]
}

type Access = 'read' | 'write'

export class PathPolicy {
  private readonly granted: Array<{ path: string; access: Access }> = []
  private resolvedReadRoots: Promise<string[]> | null = null
  private resolvedWriteRoots: Promise<string[]> | null = null

  constructor(private readonly options: PathPolicyOptions) {}

  get mode(): PathPolicyMode {
    return this.options.mode
  }

  /** Electron: the user picked `path` in a native dialog; it (and what lies below it) becomes usable. */
  async grant(path: string, access: Access): Promise<void> {
    const real = await resolveTarget(path)
    if (real) this.granted.push({ path: real, access })
  }

  /** Folders a file browser may show as starting points. */
  async roots(): Promise<string[]> {
    if (this.options.mode !== 'electron') return this.readRoots()
    return [...new Set([...(await this.readRoots()), ...this.granted.map((g) => g.path)])]
  }

  /** Whether dot entries may be listed (never in browser mode: `~/.ssh` stays out of sight). */
  allowsHidden(requested: boolean): boolean {
    return requested && this.options.mode !== 'browser'
  }

  /** The real path of an existing file or folder the caller may read; otherwise `unavailable`. */
  async readable(path: string): Promise<string> {
    const real = await this.resolveExisting(path)
    if (this.options.mode === 'cli') return real
    const roots = await this.readRoots()
    if (this.options.mode === 'browser') {
      if (roots.some((root) => insideVisible(root, real))) return real
      throw unavailable(path)
    }
    if (roots.some((root) => inside(root, real)) || this.granted.some((g) => inside(g.path, real))) return real
    throw unavailable(path)
  }

  /**
   * The real path a file may be written at. An existing file is refused unless `overwrite` (the user
   * said so: a flag, or the native save dialog's own confirmation).
   */
  async writable(path: string, overwrite = false): Promise<string> {
    const target = await resolveTarget(path)
    if (!target) throw unavailable(path)
    if (!(await this.mayWrite(target))) throw unavailable(path)
    const existing = await lstat(target).catch(() => null)
    if (existing?.isDirectory()) throw new ConsoleError('conflict', `${printable(path)} is a folder; give a file name.`)
    const pickedInSaveDialog = this.granted.some((g) => g.access === 'write' && g.path === target)
    if (existing && !overwrite && !pickedInSaveDialog) {
      throw new ConsoleError(
        'conflict',
        `${printable(path)} already exists; pass overwrite (CLI: --overwrite) to replace it.`,
        { file: path },
      )
    }
    return target
  }

  /** A folder files may be written into (created by the caller when missing); see `refuseReplacing`. */
  async writableFolder(path: string): Promise<string> {
    const target = await resolveTarget(path)
    if (!target || !(await this.mayWrite(target))) throw unavailable(path)
    return target
  }

  private async mayWrite(target: string): Promise<boolean> {
    if (this.options.mode === 'cli') return true
    const roots = await this.writeRoots()
    if (roots.some((root) => inside(root, target))) return true
    return this.options.mode === 'electron' && this.granted.some((g) => g.access === 'write' && inside(g.path, target))
  }

  private async resolveExisting(path: string): Promise<string> {
    if (!isAbsolute(path) || path.includes('\0')) throw unavailable(path)
    return realpath(path).catch(() => {
      throw unavailable(path)
    })
  }

  private readRoots(): Promise<string[]> {
    this.resolvedReadRoots ??= realRoots(this.options.readRoots, (root) => realpath(root).catch(() => null))
    return this.resolvedReadRoots
  }

  private writeRoots(): Promise<string[]> {
    this.resolvedWriteRoots ??= realRoots(this.options.writeRoots ?? [], resolveTarget)
    return this.resolvedWriteRoots
  }
}

/** The CLI's policy (also the default where a service is built without one, as in tests). */
export function commandLinePolicy(): PathPolicy {
  return new PathPolicy({ mode: 'cli', readRoots: [] })
}

/** The refusal for a path that is missing or not allowed; the same words for both on purpose. */
export function unavailable(path: string): ConsoleError {
  return new ConsoleError(
    'not_found',
    `${printable(path)}: not available (it does not exist, or lies outside the folders this console may use).`,
  )
}

/**
 * Real paths of the roots. Read roots that do not exist are left out (nothing to list); write roots
 * are resolved like targets, so a data folder not created yet still counts.
 */
async function realRoots(roots: string[], resolveRoot: (root: string) => Promise<string | null>): Promise<string[]> {
  const real = await Promise.all(roots.map(resolveRoot))
  return [...new Set(real.filter((root): root is string => root !== null))]
}

/**
 * Real path of an existing path; for a path still to be created, the real path of its nearest
 * existing ancestor plus the rest (resolve() has already removed `..`, so the rest cannot climb).
 */
async function resolveTarget(path: string): Promise<string | null> {
  if (!isAbsolute(path) || path.includes('\0')) return null
  const full = resolve(path)
  const missing: string[] = []
  for (let at = full; ; at = dirname(at)) {
    const real = await realpath(at).catch(() => null)
    if (real) return resolve(real, ...missing)
    if (dirname(at) === at) return null
    missing.unshift(basename(at))
  }
}

/**
 * The real path of `path` when it (symlinks followed) stays inside the real `root`: a session's frame
 * files, say, cannot be links to elsewhere. Throws `unavailable` otherwise.
 */
export async function realPathInside(root: string, path: string): Promise<string> {
  const [realRoot, real] = await Promise.all([realpath(root).catch(() => null), realpath(path).catch(() => null)])
  if (!realRoot || !real || !inside(realRoot, real)) throw unavailable(path)
  return real
}

export function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/** Inside `root` and no folder or file below it is hidden (starts with a dot). */
function insideVisible(root: string, path: string): boolean {
  if (!inside(root, path)) return false
  const rel = relative(root, path)
  return rel === '' || rel.split(sep).every((segment) => !segment.startsWith('.'))
}

/**
 * Refuses an export into `folder` (a `writableFolder` answer) when entries there would be replaced
 * (`wouldReplace` names them), unless `overwrite`: a folder picker, unlike a save dialog, never asks.
 */
export async function refuseReplacing(
  folder: string,
  wouldReplace: (name: string) => boolean,
  overwrite = false,
): Promise<void> {
  if (overwrite) return
  const clashes = (await readdir(folder).catch(() => [])).filter(wouldReplace).sort()
  if (clashes.length === 0) return
  const shown = clashes.slice(0, 3).map(printable).join(', ') + (clashes.length > 3 ? ', …' : '')
  throw new ConsoleError(
    'conflict',
    `${printable(folder)} already holds ${clashes.length} of the files this export writes (${shown}); pass overwrite (CLI: --overwrite) to replace them.`,
    { file: folder, count: clashes.length },
  )
}
