/**
 * Everything the console keeps for one session, in every place it keeps it: the recording itself,
 * embedding caches of every model, query indexes, maps and labels. Deleting a session removes all of
 * it, after a confirmation that names the total size (`sessions.deletePreview`).
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { SessionDataPart } from '../../contract'
import type { ConsolePaths } from '../../platform/paths'
import { folderSize } from './session-summary'

/** What a service that holds a session's data in memory does when the session is deleted. */
export type SessionForget = (sessionId: string) => Promise<void>

export class SessionData {
  private readonly forgetters: SessionForget[] = []

  constructor(private readonly paths: ConsolePaths) {}

  /** Registered by services that cache a session's data in memory (embedding index, loaded maps). */
  onDelete(forget: SessionForget): void {
    this.forgetters.push(forget)
  }

  /** Existing folders derived from the session, with sizes (the recording folder is the caller's). */
  async derivedParts(sessionId: string): Promise<SessionDataPart[]> {
    const candidates: Array<{ what: string; path: string }> = [
      ...(await perModel(join(this.paths.cache, 'embeddings'), sessionId)).map((path) => ({
        what: 'embedding cache',
        path,
      })),
      ...(await queryIndexFiles(join(this.paths.cache, 'query-index'), sessionId)).map((path) => ({
        what: 'query index',
        path,
      })),
      { what: 'maps', path: join(this.paths.home, 'maps', sessionId) },
      { what: 'labels', path: join(this.paths.home, 'labels', sessionId) },
    ]
    const parts = await Promise.all(
      candidates.map(async ({ what, path }) => {
        const info = await stat(path).catch(() => null)
        if (!info) return null
        return { what, path, bytes: info.isDirectory() ? await folderSize(path).catch(() => 0) : info.size }
      }),
    )
    return parts.filter((p): p is SessionDataPart => p !== null)
  }

  /** Drops in-memory state, then the folders. */
  async removeDerived(sessionId: string): Promise<void> {
    for (const forget of this.forgetters) await forget(sessionId)
    for (const part of await this.derivedParts(sessionId)) await rm(part.path, { recursive: true, force: true })
  }
}

/** `<root>/<model>/<sessionId>` for every model folder under root. */
async function perModel(root: string, sessionId: string): Promise<string[]> {
  const models = await readdir(root, { withFileTypes: true }).catch(() => [])
  return models.filter((m) => m.isDirectory()).map((m) => join(root, m.name, sessionId))
}

/** `<root>/<model>/<sessionId>.*` (the query index keeps a header and arrays per session). */
async function queryIndexFiles(root: string, sessionId: string): Promise<string[]> {
  const files: string[] = []
  for (const model of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!model.isDirectory()) continue
    for (const name of await readdir(join(root, model.name)).catch(() => [] as string[]))
      if (name.startsWith(`${sessionId}.`)) files.push(join(root, model.name, name))
  }
  return files
}
