/**
 * Background threads (a map's fusion) yield the CPU to the live model: on Linux each thread has its
 * own nice value, set through its thread id. Elsewhere a priority applies to the whole process, so
 * nothing is changed there.
 */
import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/** Nice value of background threads: they still use every idle cycle, and give way when the model runs. */
export const backgroundNice = 10

/** Lowers the calling thread's priority to `nice` (Linux; never raises it); returns whether it could. */
export function lowerThreadPriority(nice = backgroundNice): boolean {
  if (process.platform !== 'linux') return false
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(threadId) || threadId <= 0) return false
    setPriority(threadId, Math.max(getPriority(threadId), nice))
    return true
  } catch {
    return false
  }
}
