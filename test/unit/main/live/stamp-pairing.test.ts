/** Colour/depth pairing on header.stamp: synthetic 30 Hz streams with offset, jitter, drops, reordering, duplicates. */
import { describe, expect, it } from 'vitest'
import { StampPairer } from '../../../../src-main/services/live/stamp-pairing'
import { seededRandom } from '../../../../src-main/services/seeded-random'

interface Message {
  topic: 'colour' | 'depth'
  frame: number
  stampSec: number
}

const period = 1 / 30
const epsilonSec = 0.01

/** Feeds messages in order and returns the frame numbers of every emitted pair. */
function run(messages: Message[]): {
  pairs: Array<[number, number]>
  widths: number[]
  pairer: StampPairer<number, number>
} {
  const pairer = new StampPairer<number, number>({ epsilonSec })
  const pairs: Array<[number, number]> = []
  const widths: number[] = []
  for (const m of messages) {
    const emitted =
      m.topic === 'colour' ? pairer.pushColour(m.stampSec, m.frame) : pairer.pushDepth(m.stampSec, m.frame)
    for (const [c, d] of emitted) {
      pairs.push([c.item, d.item])
      widths.push(Math.abs(c.stampSec - d.stampSec))
    }
  }
  return { pairs, widths, pairer }
}

/** Colour at k/30 s, depth 5 ms later, each with ±jitter, interleaved by arrival. */
function streams(frames: number, jitterSec: number, random: () => number): Message[] {
  const out: Message[] = []
  for (let k = 0; k < frames; k++) {
    const base = 1_700_000_000 + k * period
    out.push({ topic: 'colour', frame: k, stampSec: base + (random() * 2 - 1) * jitterSec })
    out.push({ topic: 'depth', frame: k, stampSec: base + 0.005 + (random() * 2 - 1) * jitterSec })
  }
  return out
}

describe('stamp pairing (approximate epsilon)', () => {
  it('pairs every frame exactly once under jitter, none wider than epsilon', () => {
    const { pairs, widths, pairer } = run(streams(300, 0.002, seededRandom(1)))
    expect(pairs.length).toBe(300)
    expect(pairs.every(([c, d]) => c === d)).toBe(true)
    expect(new Set(pairs.map(([c]) => c)).size).toBe(300)
    expect(Math.max(...widths)).toBeLessThanOrEqual(epsilonSec)
    expect(pairer.counts).toMatchObject({ paired: 300, unpairedColour: 0, unpairedDepth: 0, duplicates: 0 })
  })

  it('counts a dropped colour or depth message as one unpaired partner and pairs the rest', () => {
    const messages = streams(120, 0.002, seededRandom(2)).filter(
      (m) => !(m.topic === 'colour' && m.frame % 10 === 3) && !(m.topic === 'depth' && m.frame % 15 === 7),
    )
    const droppedColour = 12
    const droppedDepth = 8
    const { pairs, pairer } = run(messages)
    // Frames missing one side are not paired; the partner left alone is counted (the last frames may still wait).
    const expected = 120 - droppedColour - droppedDepth
    expect(pairs.length).toBe(expected)
    expect(pairs.every(([c, d]) => c === d)).toBe(true)
    expect(pairer.counts.unpairedDepth).toBe(droppedColour)
    expect(pairer.counts.unpairedColour).toBe(droppedDepth)
  })

  it('still pairs messages that arrive out of order within the hold window', () => {
    const messages = streams(90, 0.001, seededRandom(3))
    // Swap neighbouring depth messages every 9 frames: depth k+1 arrives before depth k.
    for (let k = 4; k + 1 < 90; k += 9) {
      const a = messages.findIndex((m) => m.topic === 'depth' && m.frame === k)
      const b = messages.findIndex((m) => m.topic === 'depth' && m.frame === k + 1)
      ;[messages[a], messages[b]] = [messages[b]!, messages[a]!]
    }
    const { pairs, pairer } = run(messages)
    expect(pairs.map(([c]) => c).sort((x, y) => x - y)).toEqual(Array.from({ length: 90 }, (_, k) => k))
    expect(pairs.every(([c, d]) => c === d)).toBe(true)
    expect(pairer.counts.unpairedColour + pairer.counts.unpairedDepth).toBe(0)
  })

  it('ignores duplicate stamps, before and after their pair was emitted', () => {
    const messages = streams(30, 0, seededRandom(4))
    const withDuplicates: Message[] = []
    for (const m of messages) {
      withDuplicates.push(m)
      if (m.frame % 5 === 0) withDuplicates.push({ ...m, frame: 1000 + m.frame })
    }
    const { pairs, pairer } = run(withDuplicates)
    expect(pairs.length).toBe(30)
    expect(pairs.every(([c, d]) => c === d && c < 1000)).toBe(true)
    expect(pairer.counts.duplicates).toBe(12)
  })

  it('never pairs stamps further apart than epsilon, however the streams drift', () => {
    const messages: Message[] = []
    for (let k = 0; k < 60; k++) {
      messages.push({ topic: 'colour', frame: k, stampSec: k * period })
      messages.push({ topic: 'depth', frame: k, stampSec: k * period + 0.0005 * k })
    }
    const { pairs, widths } = run(messages)
    expect(Math.max(...widths)).toBeLessThanOrEqual(epsilonSec)
    // While the drift is within epsilon (k < 20) each frame pairs with itself; later ones pair with a neighbour or not at all.
    for (let k = 0; k < 20; k++) expect(pairs).toContainEqual([k, k])
    expect(pairs.some(([c, d]) => c === d && d > 20)).toBe(false)
    expect(new Set(pairs.map(([c]) => c)).size).toBe(pairs.length)
    expect(new Set(pairs.map(([, d]) => d)).size).toBe(pairs.length)
  })
})
