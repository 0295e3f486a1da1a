/**
 * Atomic file writes: write a temporary file in the same folder, fsync, then rename over the target.
 * A crash leaves either the old or the new file, never half of one.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import { diskFullError, isDiskFull } from './disk-full'

let counter = 0

/** `data` as a list of chunks: written one after another, so a big file needs no second copy in memory. */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`)
  try {
    const handle = await open(tmp, 'w')
    try {
      if (Array.isArray(data)) for (const chunk of data as readonly Uint8Array[]) await handle.writeFile(chunk)
      else await handle.writeFile(data as string | Uint8Array)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (error) {
    // No temporary file is left behind, whatever failed (a full disk most often).
    await rm(tmp, { force: true })
    if (isDiskFull(error)) throw diskFullError(path, 'the previous version of the file (if any) is kept')
    throw error
  }
}

/** The text `writeJsonAtomic` writes for `value`. */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, jsonFileText(value))
}
