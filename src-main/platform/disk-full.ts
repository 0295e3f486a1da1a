/**
 * A full disk (or quota) is said in one line naming the file being written and what was kept,
 * instead of a raw `ENOSPC` with a stack trace.
 */
import { ConsoleError } from '../contract'

export function isDiskFull(error: unknown): boolean {
  if (error instanceof ConsoleError) return error.detail?.diskFull === true
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/** The error to throw when writing `path` ran out of space; `kept` says what is still there. */
export function diskFullError(path: string, kept: string): ConsoleError {
  return new ConsoleError(
    'internal',
    `No space left on the device while writing ${path}; ${kept}. Free some space and try again.`,
    { file: path, diskFull: true },
  )
}
