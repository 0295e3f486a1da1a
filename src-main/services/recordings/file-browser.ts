/**
 * A server-side file browser limited to what the path policy allows, so a browser-mode client (a
 * tablet) can pick a recording on the machine that runs the services without seeing the rest of its
 * disk. Paths are resolved through symlinks before the check, so a link cannot lead outside, and
 * entries that lead outside (links to elsewhere) are left out of listings.
 */
import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ConsoleError, type BrowseEntry, type BrowseListing } from '../../contract'
import type { PathPolicy } from '../security/path-policy'
import { printable } from '../security/printable'

const maxEntries = 2000

export class FileBrowser {
  constructor(private readonly policy: PathPolicy) {}

  allowedRoots(): Promise<string[]> {
    return this.policy.roots()
  }

  /** The real path of `path` when the policy lets it be read; otherwise one refusal for missing and outside. */
  checkAllowed(path: string): Promise<string> {
    return this.policy.readable(path)
  }

  async list(path: string | null | undefined, showHidden = false): Promise<BrowseListing> {
    const roots = await this.allowedRoots()
    if (!path) {
      const entries: BrowseEntry[] = roots.map((root) => ({ name: root, path: root, kind: 'dir', sizeBytes: null }))
      return { path: null, parent: null, roots, entries }
    }
    const real = await this.checkAllowed(path)
    if (!(await stat(real)).isDirectory())
      throw new ConsoleError('invalid_input', `${printable(path)} is a file, not a folder.`)
    const withHidden = this.policy.allowsHidden(showHidden)
    const dirents = await readdir(real, { withFileTypes: true })
    const visible = dirents.filter((d) => withHidden || !d.name.startsWith('.')).slice(0, maxEntries)
    const entries = await Promise.all(
      visible.map(async (d): Promise<BrowseEntry | null> => {
        const full = join(real, d.name)
        // A link leading outside the allowed folders is not shown (its target is not the client's business).
        if (
          d.isSymbolicLink() &&
          !(await this.policy.readable(full).then(
            () => true,
            () => false,
          ))
        )
          return null
        const info = await stat(full).catch(() => null)
        const isDir = info?.isDirectory() ?? d.isDirectory()
        return {
          name: d.name,
          path: full,
          kind: isDir ? 'dir' : 'file',
          sizeBytes: isDir ? null : (info?.size ?? null),
        }
      }),
    )
    const shown = entries.filter((e): e is BrowseEntry => e !== null)
    shown.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
    const atRoot =
      roots.includes(real) ||
      !(await this.policy.readable(dirname(real)).then(
        () => true,
        () => false,
      ))
    return { path: real, parent: atRoot ? null : dirname(real), roots, entries: shown }
  }
}
