/** Depth range and coverage over an even sample of a session's frames (`dve info`, Player colour range). */
import type { SessionStats } from '../../contract'
import type { SessionFrameReader } from './session-frame-reader'
import type { StoredSession } from './session-store'

/** Frame indices spread evenly over `count` frames, first and last included. */
export function sampleIndices(count: number, samples: number): number[] {
  if (count <= 0) return []
  const n = Math.min(count, Math.max(1, samples))
  if (n === 1) return [0]
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1))))]
}

export async function sessionStats(
  reader: SessionFrameReader,
  session: StoredSession,
  samples: number,
): Promise<SessionStats> {
  const { frames } = session.manifest
  // A histogram over raw 16-bit values gives exact percentiles without sorting millions of pixels.
  const histogram = new Uint32Array(65536)
  let valid = 0
  let total = 0
  const indices = sampleIndices(frames.length, samples)
  for (const index of indices) {
    const depth = await reader.depthRaw(session, index)
    total += depth.data.length
    for (const value of depth.data) {
      if (value === 0) continue
      histogram[value]!++
      valid++
    }
  }
  const posed = frames.filter((frame) => frame.worldFromCamera !== null).length
  return {
    id: session.id,
    sampledFrames: indices.length,
    depthRangeMeters: valid > 0 ? depthRange(histogram, valid, session.manifest.depthUnitMeters) : null,
    depthMedianMeters: valid > 0 ? histogramQuantile(histogram, valid, 0.5) * session.manifest.depthUnitMeters : null,
    validDepthFraction: total > 0 ? valid / total : 0,
    poseCoverage: frames.length > 0 ? posed / frames.length : 0,
  }
}

/** Smallest raw value with at least `fraction` of the valid samples at or below it. */
function histogramQuantile(histogram: Uint32Array, valid: number, fraction: number): number {
  const target = Math.max(1, Math.ceil(fraction * valid))
  let seen = 0
  for (let value = 1; value < histogram.length; value++) {
    seen += histogram[value] as number
    if (seen >= target) return value
  }
  return histogram.length - 1
}

function depthRange(
  histogram: Uint32Array,
  valid: number,
  unitMeters: number,
): NonNullable<SessionStats['depthRangeMeters']> {
  const at = (fraction: number): number => histogramQuantile(histogram, valid, fraction)
  return { min: at(0) * unitMeters, max: at(1) * unitMeters, p02: at(0.02) * unitMeters, p98: at(0.98) * unitMeters }
}
