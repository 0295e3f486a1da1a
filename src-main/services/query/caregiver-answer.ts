/**
 * The answer a caregiver reads: what, when and where in plain words, built from the visits (the
 * same per-frame decisions the moments and the timeline show). Scores stay out of it.
 */
import { formatClock, type CaregiverAnswer, type MapPin, type QuerySighting, type QueryWords } from '../../contract'

export interface AnswerInput {
  label: string
  found: QuerySighting[]
  mapPin: MapPin | null
  words: QueryWords
  /** When the recording started (ISO), for "2 minutes ago"; null when unknown. */
  recordedAt: string | null
  now: Date
}

export function caregiverAnswer({ label, found, mapPin, words, recordedAt, now }: AnswerInput): CaregiverAnswer {
  const none = {
    visits: 0,
    bestFrame: null,
    lastFrame: null,
    lastSeenSec: null,
    mapPin: null,
    suggestion: words.suggestion,
  }
  if (words.unknown.length > 0) {
    const quoted = words.unknown.map((w) => `“${w}”`).join(' and ')
    const hint = words.suggestion ? ` Did you mean “${words.suggestion}”?` : ''
    return {
      ...none,
      status: 'unknown-words',
      seen: false,
      text: `The model does not know the word${words.unknown.length > 1 ? 's' : ''} ${quoted}, so it cannot look for it.${hint}`,
    }
  }
  const last = found[found.length - 1]
  const thing = `The ${label}`
  if (!last) return { ...none, status: 'not-seen', seen: false, text: `${thing} was not seen in this recording.` }
  const times = found.length === 1 ? 'once' : found.length === 2 ? 'twice' : `${found.length} times`
  const place = mapPin?.nearby ? `, by ${mapPin.nearby}` : ''
  return {
    status: 'seen',
    seen: true,
    text: `${thing} was last seen ${when(last.endSec, recordedAt, now)}${place}. Seen ${times} in this recording.`,
    visits: found.length,
    bestFrame: last.bestFrame,
    lastFrame: last.lastFrame,
    lastSeenSec: last.endSec,
    mapPin,
    suggestion: words.suggestion,
  }
}

/** "2 minutes ago" for a recent recording, else the time into the recording. */
export function when(secondsIntoRecording: number, recordedAt: string | null, now: Date): string {
  const start = recordedAt ? Date.parse(recordedAt) : Number.NaN
  const agoSec = (now.getTime() - start) / 1000 - secondsIntoRecording
  if (!(agoSec >= 0) || agoSec > 12 * 3600) return `at ${formatClock(secondsIntoRecording)} into the recording`
  if (agoSec < 60) return 'less than a minute ago'
  const minutes = Math.round(agoSec / 60)
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`
  const hours = Math.round(minutes / 60)
  return `${hours} hour${hours === 1 ? '' : 's'} ago`
}
