/**
 * "Is this depth plausible?" — the one place every importer asks. Reads a sample of a recording's
 * raw depth in every candidate encoding and unit, measures what RGB-D sensors produce (median of the
 * valid depth roughly 0.3–8 m indoors, a real share of valid pixels, smooth surfaces rather than
 * bit noise) and decides with the format's convention as the prior:
 *
 * - the convention fits the data → it is used (another encoding that fits too is named in a warning);
 * - the data contradicts it → the clearly best-fitting reading is used and the contradiction reported;
 * - nothing fits, or two readings fit about equally and no convention breaks the tie → undecidable:
 *   the caller asks (UI) or refuses with the candidates (CLI `--depth-unit`, `--depth-encoding`).
 */
import type { DepthCandidate, DepthDecision, DepthEncodingId } from '../../../contract'
import {
  decodeSample,
  encodingName,
  isRawInvalid,
  kinectNoDisparity,
  storedUnitMeters,
  unitName,
  type DepthSamples,
} from './depth-encodings'

export interface DepthConvention {
  encoding: DepthEncodingId
  unitMeters: number
  /** Where the convention comes from ("TUM RGB-D: 1/5000 m", "cam_params.json scale"). */
  source: string
  /** True when the format or a sidecar states it; false when the importer only assumes it. */
  stated: boolean
}

export interface DepthFrameSample {
  width: number
  height: number
  data: DepthSamples
}

export interface DepthChoice {
  encoding?: DepthEncodingId
  unitMeters?: number
}

/** Indoor RGB-D depth: medians outside this range are not what a sensor in a room produces. */
const plausibleMedianMeters = { min: 0.25, max: 10 }
/** Typical indoor median; the score is the log distance from it. */
const typicalMedianMeters = 2
const maxPlausibleP98Meters = 25
const minValidFraction = 0.01
/** Mean relative difference of neighbouring depths above which the image is noise, not surfaces. */
const maxRoughness = 0.2
/** Score gap under which two readings are "about equally" plausible. */
const tieMargin = 0.3
/** Pixels read per frame for the statistics (whole rows, so neighbours are available). */
const samplesPerFrame = 40_000
const commonUnits = [0.001, 1 / 5000, 0.0001]
/** Score taken from unshifted readings of values whose low 3 bits are empty. */
const emptyLowBitsPenalty = 1
/** Share of pixels on Kinect's 2047 "no disparity" code that marks raw disparity. */
const kinectSignatureShare = 0.005
/** Fewer valid pixels than this (tiny test images) leave the convention unchecked. */
const minJudgedSamples = 1000

interface Reading {
  encoding: DepthEncodingId
  unitMeters: number
}

/** Whole rows spread over the frame, about `samplesPerFrame` pixels in all. */
function sampledRows(frame: DepthFrameSample): number[] {
  const rows = Math.max(1, Math.min(frame.height, Math.round(samplesPerFrame / frame.width)))
  return [...new Set(Array.from({ length: rows }, (_, i) => Math.floor(((i + 0.5) * frame.height) / rows)))]
}

/** Bit patterns of the raw values that make some encodings possible at all. */
interface BitPatterns {
  isFloat: boolean
  /** Share of non-zero values that are multiples of 8 (rotated APC/SUN depth, shifted disparity). */
  multipleOf8Share: number
  maxValue: number
  /** Share of non-zero values equal to the Kinect "no disparity" code. */
  kinectNoneShare: number
  nonZero: number
}

function bitPatterns(frames: readonly DepthFrameSample[], invalid: ReadonlySet<number>): BitPatterns {
  let nonZero = 0
  let multiples = 0
  let max = 0
  let none = 0
  let isFloat = false
  for (const frame of frames) {
    if (frame.data instanceof Float32Array) isFloat = true
    for (const row of sampledRows(frame))
      for (let x = 0; x < frame.width; x++) {
        const v = frame.data[row * frame.width + x]!
        if (!v || !Number.isFinite(v) || invalid.has(v)) continue
        nonZero++
        if ((v & 7) === 0) multiples++
        if (v === kinectNoDisparity || v === kinectNoDisparity * 8) none++
        if (v > max) max = v
      }
  }
  return {
    isFloat,
    multipleOf8Share: nonZero ? multiples / nonZero : 0,
    maxValue: max,
    kinectNoneShare: nonZero ? none / nonZero : 0,
    nonZero,
  }
}

/** The convention as a reading of these samples: float samples are read as float whatever the format says. */
function conventionReading(patterns: BitPatterns, convention: DepthConvention): Reading {
  return patterns.isFloat && convention.encoding !== 'float' ? { encoding: 'float', unitMeters: 1 } : convention
}

/** Readings to judge, and why the bit patterns rule the convention's encoding out (null when they do not). */
function possibleReadings(
  patterns: BitPatterns,
  convention: DepthConvention,
  choice: DepthChoice,
): { readings: Reading[]; conventionRuledOut: string | null } {
  const units = (extra: number[]): number[] => {
    const all = [...(choice.unitMeters ? [choice.unitMeters] : []), ...extra]
    return all.filter((u, i) => all.findIndex((v) => Math.abs(v / u - 1) < 0.03) === i)
  }
  const encodings: DepthEncodingId[] = []
  if (patterns.isFloat) encodings.push('float')
  else {
    // Nearly all values multiples of 8: the low 3 bits hold no depth, so only shifted layouts are candidates.
    const shifted = patterns.multipleOf8Share >= 0.99
    // Values that stop exactly at Kinect's "no disparity" code, with many pixels on it, are raw disparity.
    const kinectSigned =
      patterns.kinectNoneShare >= kinectSignatureShare &&
      (patterns.maxValue === kinectNoDisparity || patterns.maxValue === kinectNoDisparity * 8)
    if (!kinectSigned) encodings.push('plain', 'byte-swapped')
    if (!kinectSigned && shifted) encodings.push('circular-shift-3')
    if (patterns.maxValue <= kinectNoDisparity) encodings.push('kinect-disparity')
    if (shifted && patterns.maxValue <= kinectNoDisparity * 8) encodings.push('kinect-disparity-shifted')
  }
  if (choice.encoding && !encodings.includes(choice.encoding)) encodings.push(choice.encoding)
  const readings: Reading[] = encodings.flatMap((encoding) =>
    encoding.startsWith('kinect-disparity')
      ? [{ encoding, unitMeters: 1 }]
      : units(encoding === 'float' ? [1, 0.001] : commonUnits).map((unitMeters) => ({ encoding, unitMeters })),
  )
  // The convention is always judged, even where the bit patterns rule its encoding out.
  const conventional = conventionReading(patterns, convention)
  if (readings.some((r) => sameReading(r, conventional))) return { readings, conventionRuledOut: null }
  const why = encodings.includes(conventional.encoding)
    ? null
    : `${(100 * patterns.kinectNoneShare).toFixed(1)} % of the values sit on 2047, Kinect's "no disparity" code, and none is above it`
  return { readings: [...readings, conventional], conventionRuledOut: why }
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

/** Statistics of one reading over the sampled rows, and whether they look like sensor depth. */
export function evaluateReading(
  frames: readonly DepthFrameSample[],
  reading: Reading,
  invalid: ReadonlySet<number>,
): DepthCandidate {
  const { encoding, unitMeters } = reading
  const values: number[] = []
  let total = 0
  let roughSum = 0
  let pairs = 0
  for (const frame of frames)
    for (const row of sampledRows(frame)) {
      let previous = Number.NaN
      for (let x = 0; x < frame.width; x++) {
        const raw = frame.data[row * frame.width + x]!
        total++
        const decoded = isRawInvalid(raw, encoding, invalid) ? Number.NaN : decodeSample(raw, encoding)
        const meters = decoded > 0 ? decoded * unitMeters : Number.NaN
        if (Number.isFinite(meters)) {
          values.push(meters)
          if (Number.isFinite(previous)) {
            roughSum += Math.min(1, Math.abs(meters - previous) / ((meters + previous) / 2))
            pairs++
          }
        }
        previous = meters
      }
    }
  const validFraction = total ? values.length / total : 0
  const sorted = Float64Array.from(values).sort()
  const median = sorted.length ? quantile(sorted, 0.5) : null
  const p02 = sorted.length ? quantile(sorted, 0.02) : null
  const p98 = sorted.length ? quantile(sorted, 0.98) : null
  const roughness = pairs ? roughSum / pairs : 0
  const base = { encoding, unitMeters, medianMeters: median, p02Meters: p02, p98Meters: p98, validFraction }
  const implausible = (why: string): DepthCandidate => ({
    ...base,
    plausible: false,
    why,
    score: -10 + (median ? -Math.abs(Math.log(median / typicalMedianMeters)) : -10),
  })
  if (median === null || validFraction < minValidFraction)
    return implausible(`only ${(100 * validFraction).toFixed(1)} % of the pixels have depth`)
  if (roughness > maxRoughness)
    return implausible(
      `neighbouring depths differ by ${(100 * roughness).toFixed(0)} % on average: bit noise, not surfaces`,
    )
  if (median < plausibleMedianMeters.min || median > plausibleMedianMeters.max)
    return implausible(
      `median ${formatMeters(median)} is outside the ${plausibleMedianMeters.min}–${plausibleMedianMeters.max} m of RGB-D sensors`,
    )
  if (p98! > maxPlausibleP98Meters) return implausible(`2 % of the depth lies beyond ${formatMeters(p98!)}`)
  // Sensors see little nearer than 0.15 m or beyond 10 m; many such pixels make a reading less likely.
  const score =
    -Math.abs(Math.log(median / typicalMedianMeters)) - (p98! > 10 ? 0.5 : 0) - (p02! < 0.15 ? 0.5 : 0) - 2 * roughness
  return {
    ...base,
    plausible: true,
    why: `median ${formatMeters(median)}, ${formatMeters(p02!)}–${formatMeters(p98!)} (2–98 %), ${(100 * validFraction).toFixed(0)} % valid`,
    score,
  }
}

export function formatMeters(meters: number): string {
  return meters >= 100 ? `${meters.toFixed(0)} m` : meters >= 10 ? `${meters.toFixed(1)} m` : `${meters.toFixed(2)} m`
}

export function readingName(reading: Reading): string {
  return reading.encoding.startsWith('kinect-disparity')
    ? encodingName(reading.encoding)
    : `${encodingName(reading.encoding)} in ${unitName(reading.unitMeters)}`
}

const sameReading = (a: Reading, b: Reading): boolean =>
  a.encoding === b.encoding && Math.abs(a.unitMeters / b.unitMeters - 1) < 0.01

const describe = (c: DepthCandidate): string => `${readingName(c)} (${c.why})`

/** Thrown (by the caller, as a ConsoleError) when the depth cannot be decided without the person. */
export class UndecidableDepth extends Error {
  constructor(
    readonly candidates: DepthCandidate[],
    reason: string,
  ) {
    super(reason)
  }
}

/**
 * The encoding and unit for a recording, from a sample of its depth frames and the format's
 * convention; `choice` holds what the person set (always used, with a warning when implausible).
 * Throws UndecidableDepth when neither the data nor a convention decides.
 */
export function decideDepth(
  frames: readonly DepthFrameSample[],
  convention: DepthConvention,
  invalidValues: readonly number[],
  choice: DepthChoice = {},
): DepthDecision {
  const invalid = new Set(invalidValues)
  const patterns = bitPatterns(frames, invalid)
  const { readings, conventionRuledOut } = possibleReadings(patterns, convention, choice)
  // Values that are nearly all multiples of 8 make unshifted readings less likely (not impossible: rendered depth in round millimetres).
  const shiftedPatterns = patterns.multipleOf8Share >= 0.99
  const shiftedNote = `${(100 * patterns.multipleOf8Share).toFixed(1)} % of the values are multiples of 8 (empty low bits)`
  const conventionalReading = conventionReading(patterns, convention)
  const candidates = readings
    .map((r) => evaluateReading(frames, r, invalid))
    .map((c) =>
      conventionRuledOut && sameReading(c, conventionalReading)
        ? { ...c, plausible: false, why: conventionRuledOut, score: c.score - 10 }
        : c,
    )
    .map((c) =>
      c.plausible && shiftedPatterns && (c.encoding === 'plain' || c.encoding === 'byte-swapped')
        ? { ...c, why: `${c.why}, but ${shiftedNote}`, score: c.score - emptyLowBitsPenalty }
        : c,
    )
    .sort((a, b) => b.score - a.score)
  const plausible = candidates.filter((c) => c.plausible)
  const conventional = candidates.find((c) => sameReading(c, conventionalReading))!
  const decision = (
    chosen: DepthCandidate,
    reason: string,
    contradiction: string | null,
    alternative: DepthCandidate | null,
  ): DepthDecision => ({
    encoding: chosen.encoding,
    unitMeters: chosen.unitMeters,
    storedUnitMeters: storedUnitMeters(chosen.encoding, chosen.unitMeters),
    medianMeters: chosen.medianMeters,
    validFraction: chosen.validFraction,
    reason,
    convention: { ...convention },
    contradiction,
    alternative: alternative
      ? `${describe(alternative)} also looks plausible; the import used ${readingName(chosen)}. Set --depth-encoding/--depth-unit (or the preview's choice) if that is wrong.`
      : null,
    candidates,
  })

  if (choice.encoding || choice.unitMeters) {
    const pool = candidates.filter(
      (c) =>
        (!choice.encoding || c.encoding === choice.encoding) &&
        (!choice.unitMeters || Math.abs(c.unitMeters / choice.unitMeters - 1) < 0.01),
    )
    const chosen = pool[0] ?? conventional
    const contradiction = chosen.plausible ? null : `Set in the import options, but ${describe(chosen)}.`
    return decision(chosen, `set in the import options; ${chosen.why}`, contradiction, null)
  }
  if (patterns.nonZero < minJudgedSamples)
    return decision(
      conventional,
      `${convention.source} (only ${patterns.nonZero} depth pixels in the sampled frames, too few to check it)`,
      null,
      null,
    )

  if (conventional.plausible) {
    // Another encoding that fits about as well (or a better-fitting unit where the unit is only assumed) is named, never silently passed over.
    const rival = plausible.find(
      (c) =>
        !sameReading(c, conventional) &&
        ((c.encoding !== conventional.encoding && c.score > conventional.score - tieMargin) ||
          (!convention.stated && c.score > conventional.score + tieMargin)),
    )
    return decision(conventional, `${convention.source}; the data agrees: ${conventional.why}`, null, rival ?? null)
  }

  const [best, second] = plausible
  const conventionText = `${convention.stated ? 'The format says' : 'The importer would assume'} ${readingName(convention)} (${convention.source}), but ${conventional.why}`
  if (!best)
    throw new UndecidableDepth(candidates, `${conventionText}, and no other reading looks like sensor depth either`)
  if (second && best.score - second.score < tieMargin)
    throw new UndecidableDepth(
      candidates,
      `${conventionText}; ${readingName(best)} and ${readingName(second)} both fit about equally`,
    )
  return decision(
    best,
    `fits the data best: ${best.why}`,
    `${conventionText}. Used ${readingName(best)}: ${best.why}.`,
    second ?? null,
  )
}

/** One line per candidate for messages (best first). */
export function candidateLines(candidates: readonly DepthCandidate[]): string[] {
  return candidates
    .filter((c, i) => c.plausible || i < 6)
    .map(
      (c) =>
        `${c.plausible ? '  plausible  ' : '  unlikely   '}--depth-encoding ${c.encoding}${c.encoding.startsWith('kinect') ? '' : ` --depth-unit ${c.unitMeters}`}: ${c.why}`,
    )
}
