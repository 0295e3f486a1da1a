/** The plain answer a caregiver reads: how often, when last, where. */
import type { CaregiverAnswer, MapPin, QueryMoment, QuerySighting } from '../../contract'

/** "m:ss" below an hour, "h:mm:ss" above; recordings start at 0. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}

/** `threshold` is named in the "not seen" answer so the person knows what "seen" meant. */
export function caregiverAnswer(found: QuerySighting[], best: QueryMoment | null, mapPin: MapPin | null, threshold: number): CaregiverAnswer {
  const last = found[found.length - 1]
  if (!last || !best) {
    return { seen: false, text: `Not seen in this recording (no frame reaches relevancy ${threshold.toFixed(2)}).`, bestFrame: null, lastFrame: null, mapPin: null }
  }
  const times = found.length === 1 ? 'once' : found.length === 2 ? 'twice' : `${found.length} times`
  const lastAt = `last at ${formatClock(last.bestSec)} (frame ${last.bestFrame})`
  const place = mapPin?.nearLabel ? ` Near the ${mapPin.nearLabel} in the map.` : mapPin ? ' Pinned in the map.' : ''
  return { seen: true, text: `Seen ${times}; ${lastAt}.${place}`, bestFrame: best.frameIndex, lastFrame: last.bestFrame, mapPin }
}
