/**
 * Cached, read-only listing of an import source folder, so detectors can probe layouts without
 * listing the same folder again.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface SourceEntry {
  name: string
  isDir: boolean
}

export class SourceTree {
  private readonly listings = new Map<string, Promise<SourceEntry[]>>()
  /** Per folder: file names, for constant-time lookups in long TUM lists. */
  private readonly fileNames = new Map<string, Promise<Set<string>>>()

  /** `singleFile` is set when the source is one file (an MCAP) in the folder `root`. */
  constructor(
    readonly root: string,
    readonly singleFile: string | null = null,
  ) {}

  path(...parts: string[]): string {
    return join(this.root, ...parts)
  }

  /** Entries of a folder relative to the root, sorted by name; [] when it does not exist. */
  list(relative = ''): Promise<SourceEntry[]> {
    let listing = this.listings.get(relative)
    if (!listing) {
      listing = readdir(this.path(relative), { withFileTypes: true })
        .then((entries) =>
          entries
            .filter((e) => !e.name.startsWith('.'))
            .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
            .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true })),
        )
        .catch(() => [])
      this.listings.set(relative, listing)
    }
    return listing
  }

  async files(relative = '', pattern?: RegExp): Promise<string[]> {
    return (await this.list(relative)).filter((e) => !e.isDir && (!pattern || pattern.test(e.name))).map((e) => e.name)
  }

  async hasFile(relative: string, name: string): Promise<boolean> {
    let names = this.fileNames.get(relative)
    if (!names) {
      names = this.list(relative).then((entries) => new Set(entries.filter((e) => !e.isDir).map((e) => e.name)))
      this.fileNames.set(relative, names)
    }
    return (await names).has(name)
  }

  async hasDir(relative: string, name: string): Promise<boolean> {
    return (await this.list(relative)).some((e) => e.isDir && e.name === name)
  }

  /** The first of `names` that is a folder under `relative`, or null. */
  async firstDir(relative: string, names: readonly string[]): Promise<string | null> {
    const entries = await this.list(relative)
    return names.find((n) => entries.some((e) => e.isDir && e.name === n)) ?? null
  }
}
