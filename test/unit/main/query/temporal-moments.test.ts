import { describe, expect, it } from 'vitest'
import { formatClock } from '../../../../src-main/contract'
import { caregiverAnswer } from '../../../../src-main/services/query/caregiver-answer'
import { sightings, topMoments } from '../../../../src-main/services/query/temporal-moments'

const timestamps = Array.from({ length: 10 }, (_, i) => i)
const series = [0.1, 0.9, 0.85, 0.2, 0.1, 0.7, 0.1, 0.1, 0.8, 0.75]

describe('topMoments', () => {
  it('returns best frames first and suppresses neighbours within the window', () => {
    expect(topMoments(series, timestamps, 3, 2).map((m) => m.frameIndex)).toEqual([1, 8, 5])
  })
  it('returns every frame when the window is zero', () => {
    expect(topMoments(series, timestamps, 4, 0).map((m) => m.frameIndex)).toEqual([1, 2, 8, 9])
  })
})

describe('sightings', () => {
  it('finds runs above the threshold and merges short gaps', () => {
    expect(sightings(series, timestamps, 0.6, 1.5).map((s) => [s.firstFrame, s.lastFrame, s.bestFrame])).toEqual([[1, 2, 1], [5, 5, 5], [8, 9, 8]])
    expect(sightings(series, timestamps, 0.6, 4).map((s) => [s.firstFrame, s.lastFrame])).toEqual([[1, 9]])
  })
})

describe('caregiver answer', () => {
  it('says how often and when last', () => {
    const found = sightings(series, timestamps.map((t) => t * 10), 0.6, 15)
    const answer = caregiverAnswer(found, topMoments(series, timestamps, 1, 0)[0] ?? null, null, 0.6)
    expect(answer.text).toBe('Seen 3 times; last at 01:20 (frame 8).')
    expect(answer).toMatchObject({ seen: true, bestFrame: 1, lastFrame: 8 })
  })
  it('names the map place when there is one', () => {
    const found = sightings(series, timestamps, 0.88, 1.5)
    const answer = caregiverAnswer(found, { frameIndex: 1, timestampSec: 1, relevancy: 0.9 }, { worldPoint: [1, 2, 0], nearLabel: 'sofa' }, 0.88)
    expect(answer.text).toBe('Seen once; last at 00:01 (frame 1). Near the sofa in the map.')
  })
  it('says clearly when nothing passes', () => {
    expect(caregiverAnswer([], null, null, 0.5)).toMatchObject({ seen: false, bestFrame: null })
    expect(caregiverAnswer([], null, null, 0.5).text).toMatch(/^Not seen in this recording/)
  })
  it('formats clocks', () => {
    expect([formatClock(0), formatClock(42), formatClock(61.6), formatClock(3725)]).toEqual(['00:00', '00:42', '01:02', '1:02:05'])
  })
})
