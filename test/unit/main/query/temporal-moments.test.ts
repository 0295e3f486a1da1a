import { describe, expect, it } from 'vitest'
import { formatClock, visitGapSec } from '../../../../src-main/contract'
import { caregiverAnswer, when } from '../../../../src-main/services/query/caregiver-answer'
import { evidenceMoments, visits } from '../../../../src-main/services/query/temporal-moments'

/**
 * A built recording at 10 fps with known visits: the thing is in view during [2 s, 5 s] (with a
 * 1 s dip at 3.5 s that must not split the visit), [12 s, 13 s] and [20 s, 24.9 s]; elsewhere a
 * look-alike peaks just under the threshold.
 */
const fps = 10
const threshold = 0.8
const knownVisits: Array<[number, number]> = [
  [2, 5],
  [12, 13],
  [20, 24.9],
]
const timestamps = Array.from({ length: 260 }, (_, i) => i / fps)
const series = timestamps.map((t, i) => {
  const inView = knownVisits.some(([a, b]) => t >= a && t <= b) && !(t >= 3.5 && t < 4.5)
  return inView ? 0.85 + 0.1 * Math.sin(i) ** 2 : t > 8 && t < 9 ? 0.79 : 0.3
})

describe('visits', () => {
  it('finds exactly the built visits: a dip shorter than the visit gap joins, longer gaps split', () => {
    const found = visits(series, timestamps, threshold, visitGapSec)
    expect(found.map((v) => [v.startSec, v.endSec])).toEqual(knownVisits.map(([a, b]) => [a, Math.round(b * 10) / 10]))
    expect(found.map((v) => [v.firstFrame, v.lastFrame])).toEqual([
      [20, 50],
      [120, 130],
      [200, 249],
    ])
    for (const v of found) expect(series[v.bestFrame]).toBe(Math.max(...series.slice(v.firstFrame, v.lastFrame + 1)))
  })
  it('splits at the dip when the gap allowed is shorter than it', () => {
    expect(visits(series, timestamps, threshold, 0.5)).toHaveLength(4)
  })
})

describe('evidenceMoments', () => {
  it('shows the best frame of every visit as seen, in time order, then possible frames below the threshold', () => {
    const found = visits(series, timestamps, threshold, visitGapSec)
    const moments = evidenceMoments(series, timestamps, found, 5, 2)
    expect(moments.slice(0, 3).map((m) => [m.frameIndex, m.decision])).toEqual(found.map((v) => [v.bestFrame, 'seen']))
    expect(moments[3]).toMatchObject({ decision: 'possible' })
    expect(moments[3]!.relevancy).toBeCloseTo(0.79)
    expect(moments.every((m) => (m.decision === 'seen') === m.relevancy >= threshold)).toBe(true)
  })
})

describe('caregiver answer', () => {
  const words = { unknown: [], suggestion: null }
  const now = new Date('2026-12-05T10:00:00Z')
  it('says what, when and where in plain words, and counts visits', () => {
    const found = visits(series, timestamps, threshold, visitGapSec)
    const recordedAt = new Date(now.getTime() - 145_000).toISOString()
    const pin = { worldPoint: [1, 2, 0] as [number, number, number], nearLabel: 'plant', nearby: 'the blue door' }
    const answer = caregiverAnswer({ label: 'plant', found, mapPin: pin, words, recordedAt, now })
    expect(answer.text).toBe('The plant was last seen 2 minutes ago, by the blue door. Seen 3 times in this recording.')
    expect(answer).toMatchObject({
      status: 'seen',
      seen: true,
      visits: 3,
      bestFrame: found[2]!.bestFrame,
      lastFrame: 249,
      lastSeenSec: 24.9,
    })
    expect(answer.text).not.toMatch(/\d\.\d|frame|relevancy/)
  })
  it('says the time into the recording for an old recording', () => {
    expect(when(25, '2026-11-26T00:00:00Z', now)).toBe('at 00:25 into the recording')
    expect(when(25, null, now)).toBe('at 00:25 into the recording')
    expect(when(0, new Date(now.getTime() - 3 * 3600_000).toISOString(), now)).toBe('3 hours ago')
  })
  it('says "not seen" without numbers, and "unknown" with a suggestion for words the model does not know', () => {
    expect(caregiverAnswer({ label: 'piano', found: [], mapPin: null, words, recordedAt: null, now })).toMatchObject({
      status: 'not-seen',
      seen: false,
      text: 'The piano was not seen in this recording.',
    })
    const unknown = caregiverAnswer({
      label: 'plnat',
      found: [],
      mapPin: null,
      words: { unknown: ['plnat'], suggestion: 'plant' },
      recordedAt: null,
      now,
    })
    expect(unknown).toMatchObject({ status: 'unknown-words', seen: false, suggestion: 'plant' })
    expect(unknown.text).toBe(
      'The model does not know the word “plnat”, so it cannot look for it. Did you mean “plant”?',
    )
  })
  it('formats clocks', () => {
    expect([formatClock(0), formatClock(42), formatClock(61.6), formatClock(3725)]).toEqual([
      '00:00',
      '00:42',
      '01:02',
      '1:02:05',
    ])
  })
})
