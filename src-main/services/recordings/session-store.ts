/**
 * The sessions on disk: every folder with a `session.json` in the library (`paths.sessions`) plus
 * built-in read-only sessions (the demo recording in `paths.resources`). Manifests are cached and
 * re-read when `session.json` changes on disk (the CLI may import while the UI runs).
 */
import { readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ConsoleError, type SessionManifest } from '../../contract'
import { manifestPath, readManifest, writeManifest } from './session-manifest-file'

export interface StoredSession {
  id: string
  dir: string
  manifest: SessionManifest
  readOnly: boolean
  /** mtime of session.json, so derived data (summary, thumbnail) can be cached per version. */
  version: number
}

export interface SessionListing {
  sessions: StoredSession[]
  /** Folders that look like sessions but could not be read, with the reason. */
  problems: string[]
}

export class SessionStore {
  private readonly cache = new Map<string, StoredSession>()
  /** By folder, so listing re-validates only manifests that changed (zod over thousands of frames is slow). */
  private readonly byDir = new Map<string, StoredSession>()
  /** Sessions being recorded live, by folder: served from memory while their frames grow. */
  private readonly live = new Map<string, StoredSession>()

  constructor(
    readonly libraryDir: string,
    /** Folders each holding one built-in session (missing ones are ignored). */
    private readonly builtinDirs: string[],
  ) {}

  async list(): Promise<SessionListing> {
    const sessions: StoredSession[] = []
    const problems: string[] = []
    const seen = new Map<string, StoredSession>()
    for (const [dir, readOnly] of await this.candidateDirs()) {
      try {
        const session = await this.load(dir, readOnly)
        const earlier = seen.get(session.id)
        if (earlier !== undefined) {
          // The folder named like the id is the session; the other is the copy. Said, not hidden: a
          // copied folder would otherwise vanish from the library unexplained.
          const [kept, copy] =
            basename(dir) === session.id && basename(earlier.dir) !== session.id
              ? [session, earlier]
              : [earlier, session]
          problems.push(
            `${manifestPath(copy.dir)}: its id "${session.id}" repeats the session in ${kept.dir}; it is not listed (give the folder and its session.json id a new name).`,
          )
          sessions[sessions.indexOf(earlier)] = kept
          seen.set(session.id, kept)
          this.cache.set(kept.id, kept)
          continue
        }
        seen.set(session.id, session)
        sessions.push(session)
      } catch (error) {
        if (error instanceof ConsoleError && error.code === 'not_found') continue
        problems.push(error instanceof Error ? error.message : String(error))
      }
    }
    return { sessions, problems }
  }

  /** Serves `session` from memory (a live recording appends to its manifest) until `endLive`. */
  setLive(session: StoredSession): void {
    this.live.set(session.dir, session)
    this.cache.set(session.id, session)
  }

  /** Whether the session in `dir` is being recorded live. */
  isLive(dir: string): boolean {
    return this.live.has(dir)
  }

  /** Back to reading the session from disk (its final session.json is written). */
  endLive(dir: string): void {
    const session = this.live.get(dir)
    this.live.delete(dir)
    if (session) this.cache.delete(session.id)
    this.byDir.delete(dir)
  }

  async get(id: string): Promise<StoredSession> {
    for (const session of this.live.values()) if (session.id === id) return session
    const cached = this.cache.get(id)
    if (cached) {
      const mtime = await manifestMtime(cached.dir)
      if (mtime === cached.version) return cached
      this.cache.delete(id)
    }
    for (const dir of this.builtinDirs) {
      const session = await this.load(dir, true).catch(() => null)
      if (session?.id === id) return session
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new ConsoleError('not_found', `No session "${id}".`)
    const session = await this.load(join(this.libraryDir, id), false).catch((error: unknown) => {
      if (error instanceof ConsoleError && error.code === 'not_found')
        throw new ConsoleError('not_found', `No session "${id}" in ${this.libraryDir}.`)
      throw error
    })
    if (session.id !== id)
      throw new ConsoleError(
        'bad_file',
        `${manifestPath(session.dir)}: id is "${session.id}" but the folder is "${id}".`,
      )
    return session
  }

  async rename(id: string, name: string): Promise<StoredSession> {
    const session = await this.writable(id, 'renamed')
    await writeManifest(session.dir, { ...session.manifest, name })
    this.cache.delete(id)
    return this.get(id)
  }

  async remove(id: string): Promise<void> {
    const session = await this.writable(id, 'deleted')
    // Rename first so a crash mid-delete never leaves a half session that still lists.
    const trash = join(this.libraryDir, `.deleting-${id}-${Date.now().toString(36)}`)
    await rename(session.dir, trash)
    this.cache.delete(id)
    this.byDir.delete(session.dir)
    await rm(trash, { recursive: true, force: true })
  }

  /** The session when it may be changed; built-in ones are refused naming the verb. */
  async writable(id: string, verb: string): Promise<StoredSession> {
    const session = await this.get(id)
    if (session.readOnly)
      throw new ConsoleError(
        'unsupported',
        `Session "${session.manifest.name}" is built in and read-only; it cannot be ${verb}.`,
      )
    return session
  }

  private async load(dir: string, readOnly: boolean): Promise<StoredSession> {
    const live = this.live.get(dir)
    if (live) return live
    const version = await manifestMtime(dir)
    if (version === null) throw new ConsoleError('not_found', `${manifestPath(dir)}: file is missing.`)
    const known = this.byDir.get(dir)
    let session: StoredSession
    if (known?.version === version && known.readOnly === readOnly) session = known
    else {
      const manifest = await readManifest(dir)
      session = { id: manifest.id, dir, manifest, readOnly, version }
      this.byDir.set(dir, session)
    }
    this.cache.set(session.id, session)
    return session
  }

  private async candidateDirs(): Promise<Array<[string, boolean]>> {
    const dirs: Array<[string, boolean]> = this.builtinDirs.map((dir) => [dir, true])
    const entries = await readdir(this.libraryDir, { withFileTypes: true }).catch(() => [])
    // Dot folders are imports in progress (.importing-*) and deletes in progress (.deleting-*).
    for (const entry of entries)
      if (entry.isDirectory() && !entry.name.startsWith('.')) dirs.push([join(this.libraryDir, entry.name), false])
    return dirs
  }
}

async function manifestMtime(dir: string): Promise<number | null> {
  try {
    return (await stat(manifestPath(dir))).mtimeMs
  } catch {
    return null
  }
}
