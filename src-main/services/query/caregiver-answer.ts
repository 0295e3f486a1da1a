/** The plain answer a caregiver reads: how often, when last, where. */
import { formatClock, type CaregiverAnswer, type MapPin, type QueryMoment, type QuerySighting } from '../../contract'

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
