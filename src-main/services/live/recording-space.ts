/**
 * Disk space for a live recording. A robot streaming 30 frames a second fills a small disk in hours,
 * so the person is told while there is still time (how much space and how many minutes are left at the
 * current rate), and a full disk is one message that says what the recording kept. Frames that do not
 * fit are not recorded; recording resumes by itself once frames fit again. (The embedding cache leaves
 * the last GB of a disk to recordings: embedding-cache.ts.)
 */
import { formatBytes, type LiveTopicListing } from '../../contract'
import { isDiskFull } from '../../platform/disk-full'
import { freeBytesAt } from '../../platform/free-space'

/** Free space is looked up at most this often while recording. */
const checkEveryMs = 10_000
/** Frames have fitted this long after the last that did not when recording is said to have resumed. */
const resumedAfterMs = 5_000
/** Told when less than this much recording time is left at the current rate… */
const warnBelowSec = 10 * 60
/** …or less than this much space, whatever the rate. */
const warnBelowBytes = 512 * 2 ** 20

const framesText = (count: number): string => (count === 1 ? '1 frame was' : `${count} frames were`)

function minutesText(seconds: number): string {
  const minutes = Math.floor(seconds / 60)
  return minutes < 1 ? 'less than a minute' : minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`
}

/** The warning for `freeBytes` left while recording `bytesPerSec`, or null when there is room. */
export function lowSpaceWarning(dir: string, freeBytes: number, bytesPerSec: number): string | null {
  const secondsLeft = bytesPerSec > 0 ? freeBytes / bytesPerSec : Number.POSITIVE_INFINITY
  if (freeBytes >= warnBelowBytes && secondsLeft >= warnBelowSec) return null
  const time = Number.isFinite(secondsLeft) ? `, ${minutesText(secondsLeft)} of recording at the current rate` : ''
  return `The disk that holds this recording (${dir}) is nearly full: ${formatBytes(freeBytes)} left${time}. Free some space, or stop the recording.`
}

/** Where a new live recording goes and the room there, told before connecting. */
export async function recordingRoom(
  libraryDir: string,
  freeBytesOf: (dir: string) => Promise<number> = freeBytesAt,
): Promise<LiveTopicListing['recordsTo']> {
  const freeBytes = await freeBytesOf(libraryDir).catch(() => null)
  const warning =
    freeBytes !== null && freeBytes < warnBelowBytes
      ? `Only ${formatBytes(freeBytes)} free where recordings go (${libraryDir}): at 30 frames a second a recording fills that in minutes. Free some space first.`
      : null
  return { dir: libraryDir, freeBytes, warning }
}

export function diskFullMessage(dir: string, framesKept: number, framesLost: number): string {
  return `No space left on the disk that holds this recording (${dir}): it keeps its ${framesKept} frames; ${framesText(framesLost)} not recorded so far. Free some space: recording resumes by itself.`
}

export class RecordingSpace {
  /** null until the first frame, which is checked at once (a recording started on a nearly full disk). */
  private checkedAtMs: number | null = null
  private bytesSinceCheck = 0
  private lostWhileFull = 0
  private lastFailureMs = 0

  constructor(
    private readonly freeBytes: (dir: string) => Promise<number> = freeBytesAt,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * After each recorded frame (its bytes on disk): a warning when the disk is nearly full (looked up
   * at the first frame, then every 10 s), a note when recording resumed after a full disk, else null.
   */
  async recorded(dir: string, frameBytes: number): Promise<{ kind: 'low' | 'resumed'; text: string } | null> {
    this.bytesSinceCheck += frameBytes
    const now = this.nowMs()
    // On the edge of full (other writers free and take space) frames fit now and then: resumed is said
    // once frames have fitted for a while, and the count of lost frames runs on until then.
    if (this.lostWhileFull > 0) {
      if (now - this.lastFailureMs < resumedAfterMs) return null
      const lost = this.lostWhileFull
      this.lostWhileFull = 0
      return {
        kind: 'resumed',
        text: `Recording resumed: there is space on the disk again (${framesText(lost)} not recorded while it was full).`,
      }
    }
    if (this.checkedAtMs !== null && now - this.checkedAtMs < checkEveryMs) return null
    const bytesPerSec = this.checkedAtMs === null ? 0 : (this.bytesSinceCheck * 1000) / (now - this.checkedAtMs)
    this.checkedAtMs = now
    this.bytesSinceCheck = 0
    const warning = lowSpaceWarning(dir, await this.freeBytes(dir).catch(() => Number.POSITIVE_INFINITY), bytesPerSec)
    return warning ? { kind: 'low', text: warning } : null
  }

  /** After a frame failed to be written: the message for a full disk, or null for another failure. */
  failed(error: unknown, dir: string, framesKept: number): string | null {
    if (!isDiskFull(error)) return null
    this.lastFailureMs = this.nowMs()
    return diskFullMessage(dir, framesKept, ++this.lostWhileFull)
  }
}
