/**
 * A server-side file browser limited to allowed roots, so a browser-mode client (a tablet) can pick a
 * recording on the machine that runs the services without seeing the rest of its disk. Paths are
 * resolved through symlinks before the root check, so a link cannot lead outside.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { dirname, join, relative, isAbsolute, sep } from 'node:path'
import { ConsoleError, type BrowseEntry, type BrowseListing } from '../../contract'

const maxEntries = 2000

export class FileBrowser {
  private resolvedRoots: Promise<string[]> | null = null

  constructor(private readonly roots: string[]) {}

  async allowedRoots(): Promise<string[]> {
    this.resolvedRoots ??= Promise.all(this.roots.map((root) => realpath(root).catch(() => null))).then((roots) => [
      ...new Set(roots.filter((root): root is string => root !== null)),
    ])
    return this.resolvedRoots
  }

  /** The real path of `path` when it lies inside an allowed root; otherwise a ConsoleError. */
  async checkAllowed(path: string): Promise<string> {
    if (!isAbsolute(path)) throw new ConsoleError('invalid_input', `"${path}" is not an absolute path.`)
    const real = await realpath(path).catch(() => {
      throw new ConsoleError('not_found', `${path}: no such file or folder.`)
    })
    const roots = await this.allowedRoots()
    if (!roots.some((root) => inside(root, real))) {
      throw new ConsoleError('invalid_input', `${path} is outside the folders this console may read (${roots.join(', ') || 'none'}).`)
    }
    return real
  }

  async list(path: string | null | undefined, showHidden = false): Promise<BrowseListing> {
    const roots = await this.allowedRoots()
    if (!path) {
      const entries: BrowseEntry[] = roots.map((root) => ({ name: root, path: root, kind: 'dir', sizeBytes: null }))
      return { path: null, parent: null, roots, entries }
    }
    const real = await this.checkAllowed(path)
    if (!(await stat(real)).isDirectory()) throw new ConsoleError('invalid_input', `${path} is a file, not a folder.`)
    const dirents = await readdir(real, { withFileTypes: true })
    const visible = dirents.filter((d) => showHidden || !d.name.startsWith('.')).slice(0, maxEntries)
    const entries = await Promise.all(
      visible.map(async (d): Promise<BrowseEntry> => {
        const full = join(real, d.name)
        const info = await stat(full).catch(() => null)
        const isDir = info?.isDirectory() ?? d.isDirectory()
        return { name: d.name, path: full, kind: isDir ? 'dir' : 'file', sizeBytes: isDir ? null : (info?.size ?? null) }
      }),
    )
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
    const atRoot = roots.includes(real)
    return { path: real, parent: atRoot ? null : dirname(real), roots, entries }
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
