/** Free disk space where a folder is (or would be, before it exists). */
import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Bytes an unprivileged process may still write on the disk that holds `path` (or its nearest existing parent). */
export async function freeBytesAt(path: string): Promise<number> {
  for (let at = path; ; at = dirname(at)) {
    try {
      const stats = await statfs(at)
      return stats.bavail * stats.bsize
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error
    }
  }
}
