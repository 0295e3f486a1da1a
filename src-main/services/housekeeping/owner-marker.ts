/**
 * Which process owns a temporary folder (an import being written): a small `.owner` file with its
 * pid, so a start-up sweep removes only what a dead process left behind.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const markerName = '.owner'

export async function markOwned(dir: string): Promise<void> {
  await writeFile(join(dir, markerName), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }))
}

export async function unmarkOwned(dir: string): Promise<void> {
  await rm(join(dir, markerName), { force: true })
}

/** The owner's pid, or null when the folder has no readable marker. */
export async function ownerOf(dir: string): Promise<number | null> {
  try {
    const { pid } = JSON.parse(await readFile(join(dir, markerName), 'utf8')) as { pid?: unknown }
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
