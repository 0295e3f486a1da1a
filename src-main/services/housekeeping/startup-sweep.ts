/**
 * At start-up, remove what interrupted work left in the data folder: imports whose process died
 * (`sessions/.importing-*`), deletes that did not finish (`sessions/.deleting-*`) and temporary files
 * of atomic writes (`.<name>.tmp-<pid>-<n>`) whose process is gone. Anything a live process may
 * still own is kept. Each removal is said (a warning line) with its size.
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { folderSize } from '../recordings/session-summary'
import { ownerOf, processAlive } from './owner-marker'

export interface SweptItem {
  path: string
  bytes: number
  why: string
}

/** A folder without a marker is only removed once it has been left alone this long. */
const unownedGraceMs = 60 * 60 * 1000
/** Depth of the data-folder walk for temporary files (home/maps/<session>/<model>/file is 4). */
const tempFileDepth = 4
const tempFilePattern = /^\..+\.tmp-(\d+)-\d+$/

export async function sweepLeftovers(home: string, sessionsDir: string): Promise<SweptItem[]> {
  const swept: SweptItem[] = []
  const remove = async (path: string, why: string) => {
    const info = await stat(path).catch(() => null)
    if (!info) return
    const bytes = info.isDirectory() ? await folderSize(path).catch(() => 0) : info.size
    await rm(path, { recursive: true, force: true })
    swept.push({ path, bytes, why })
  }
  for (const entry of await readdir(sessionsDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue
    const path = join(sessionsDir, entry.name)
    if (entry.name.startsWith('.importing-')) {
      const owner = await ownerOf(path)
      if (owner !== null && processAlive(owner)) continue
      if (owner === null && !(await olderThan(path, unownedGraceMs))) continue
      await remove(
        path,
        owner === null
          ? 'an unfinished import (no owner, untouched for an hour)'
          : `an import interrupted when process ${owner} ended`,
      )
    } else if (entry.name.startsWith('.deleting-')) {
      await remove(path, 'a session delete that did not finish')
    }
  }
  await walkTempFiles(home, 0, async (path, pid) => {
    if (!processAlive(pid)) await remove(path, `a temporary file of process ${pid}, which has ended`)
  })
  return swept
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => null)
  return info !== null && Date.now() - info.mtimeMs > ms
}

async function walkTempFiles(
  dir: string,
  depth: number,
  found: (path: string, pid: number) => Promise<void>,
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name)
    const pid = tempFilePattern.exec(entry.name)?.[1]
    if (entry.isFile() && pid) await found(path, Number(pid))
    else if (entry.isDirectory() && depth < tempFileDepth && !entry.name.startsWith('.'))
      await walkTempFiles(path, depth + 1, found)
  }
}
