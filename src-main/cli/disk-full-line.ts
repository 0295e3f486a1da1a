/** One line for a full disk that reached the CLI unwrapped (a write outside the wrapped paths). */
import { ConsoleError } from '../contract'
import { isDiskFull } from '../platform/disk-full'

export function diskFullLine(error: unknown): string | null {
  // Wrapped ones already name the file and what was kept.
  if (error instanceof ConsoleError || !isDiskFull(error)) return null
  const path = (error as NodeJS.ErrnoException).path
  return `No space left on the device${path ? ` while writing ${path}` : ''}; files written before it are kept. Free some space and try again.`
}
