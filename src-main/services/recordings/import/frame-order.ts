/**
 * Frame order of an import. Readers list frames in the source's order (list lines, sorted file
 * names); timestamps that go backwards or repeat are detected here, and the frames are then ordered
 * by the number in their file names, and the report says so.
 */
import { basename } from 'node:path'
import type { ImportDecisions } from '../../../contract'
import type { PlannedFrame } from './import-plan'

export interface OrderedFrames {
  frames: PlannedFrame[]
  order: ImportDecisions['order']
  warnings: string[]
}

/** Spacing given to repeated timestamps that keep their place (1 ms: below any sensor's frame period). */
const repeatSpacingSec = 0.001

/** The last number in a file's name ("frame-000120.color.jpg" → 120, "1305031102.175304.png" → 1305031102.175304). */
export function fileNumber(path: string): number | null {
  const stem = basename(path).replace(/\.[a-z0-9]+$/i, '')
  const match = /(\d+(?:\.\d+)?)(?!.*\d)/.exec(stem)
  return match ? Number(match[1]) : null
}

function frameNumber(frame: PlannedFrame): number | null {
  const source = frame.depth.kind === 'file' ? frame.depth.path : frame.rgb.kind === 'file' ? frame.rgb.path : null
  return source ? fileNumber(source) : null
}

interface TimeProblems {
  backwards: number
  repeated: number
}

function timeProblems(times: readonly number[]): TimeProblems {
  let backwards = 0
  let repeated = 0
  for (let k = 1; k < times.length; k++) {
    if (times[k]! < times[k - 1]!) backwards++
    else if (times[k] === times[k - 1]) repeated++
  }
  return { backwards, repeated }
}

const problemText = ({ backwards, repeated }: TimeProblems): string =>
  [
    backwards ? `${backwards} go${backwards === 1 ? 'es' : ''} backwards` : '',
    repeated ? `${repeated} repeat${repeated === 1 ? 's' : ''} the previous one` : '',
  ]
    .filter(Boolean)
    .join(' and ')

/** Repeated timestamps (after ordering) are spread by 1 ms so time stays strictly increasing. */
function spreadRepeats(frames: PlannedFrame[]): PlannedFrame[] {
  let previous = Number.NEGATIVE_INFINITY
  return frames.map((f) => {
    const t = f.timestampSec!
    const fixed = t <= previous ? previous + repeatSpacingSec : t
    previous = fixed
    return fixed === t ? f : { ...f, timestampSec: fixed }
  })
}

export function orderFrames(planned: readonly PlannedFrame[]): OrderedFrames {
  const frames = [...planned]
  if (frames.some((f) => f.timestampSec === null))
    return {
      frames,
      order: {
        by: 'source-order',
        reason: 'the source has no timestamps; frames keep the order of the source (file names or list)',
      },
      warnings: [],
    }
  const times = frames.map((f) => f.timestampSec!)
  const problems = timeProblems(times)
  if (problems.backwards === 0 && problems.repeated === 0)
    return {
      frames,
      order: { by: 'timestamps', reason: `${frames.length} timestamps, strictly increasing in the source's order` },
      warnings: [],
    }

  const numbers = frames.map(frameNumber)
  const distinct = new Set(numbers)
  const numbered = numbers.every((n) => n !== null) && distinct.size === numbers.length
  const what = `Of ${frames.length} timestamps, ${problemText(problems)}`
  if (!numbered) {
    const sorted = frames
      .map((f, k) => ({ f, k }))
      .sort((a, b) => a.f.timestampSec! - b.f.timestampSec! || a.k - b.k)
      .map((e) => e.f)
    const reason = `${what}; the file names carry no distinct frame numbers, so frames are sorted by timestamp (ties keep the source's order)`
    return { frames: spreadRepeats(sorted), order: { by: 'timestamps', reason }, warnings: [`${reason}.`] }
  }
  const byNumber = frames
    .map((f, k) => ({ f, n: numbers[k]! }))
    .sort((a, b) => a.n - b.n)
    .map((e) => e.f)
  const after = timeProblems(byNumber.map((f) => f.timestampSec!))
  if (after.backwards > 0) {
    // Timestamps that still disagree with the numbering are not trusted: the frames get 30 Hz times.
    const reason = `${what}; frames are ordered by the number in their file names, where ${after.backwards} timestamps still go backwards, so the timestamps are not used (30 Hz assumed)`
    return {
      frames: byNumber.map((f) => ({ ...f, timestampSec: null })),
      order: { by: 'file-number', reason },
      warnings: [`${reason}.`],
    }
  }
  const reason = `${what}; frames are ordered by the number in their file names${after.repeated ? ` (${after.repeated} repeated timestamps spread by 1 ms)` : ''}`
  return { frames: spreadRepeats(byNumber), order: { by: 'file-number', reason }, warnings: [`${reason}.`] }
}
