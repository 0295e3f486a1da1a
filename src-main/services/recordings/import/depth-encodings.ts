/**
 * Raw depth sample layouts (contract `DepthEncodingId`) and their conversion into what a session
 * stores: 16-bit values times a unit. Plain, byte-swapped and bit-rotated depth keep their unit;
 * Kinect disparity and float depth become millimetres.
 */
import type { DepthEncodingId } from '../../../contract'

export type DepthSamples = Uint16Array | Float32Array

/** Kinect v1 raw disparity to metres (the NYU Depth v2 toolbox's fit): 351.3 / (1092.5 − d). */
const kinectDisparityA = 351.3
const kinectDisparityB = 1092.5
export const kinectNoDisparity = 2047
/** Millimetres: the unit of depth that had to be converted. */
export const convertedUnitMeters = 0.001

/** Decoded value of one raw sample in the encoding's own unit; NaN when the sample means "no depth". */
export function decodeSample(raw: number, encoding: DepthEncodingId): number {
  switch (encoding) {
    case 'plain':
      return raw
    case 'byte-swapped':
      return ((raw & 0xff) << 8) | (raw >> 8)
    case 'circular-shift-3':
      return ((raw >> 3) | (raw << 13)) & 0xffff
    case 'kinect-disparity':
    case 'kinect-disparity-shifted': {
      const d = encoding === 'kinect-disparity' ? raw : raw / 8
      return d <= 0 || d >= kinectNoDisparity || d >= kinectDisparityB - 1
        ? Number.NaN
        : kinectDisparityA / (kinectDisparityB - d)
    }
    case 'float':
      return Number.isFinite(raw) && raw > 0 ? raw : Number.NaN
  }
}

/** True when `raw` means "no depth" before decoding: 0 always, the source's invalid codes for 16-bit layouts. */
export function isRawInvalid(raw: number, encoding: DepthEncodingId, invalid: ReadonlySet<number>): boolean {
  return raw === 0 || ((encoding === 'plain' || isBitShuffle(encoding)) && invalid.has(raw))
}

/** Encodings whose decoded values are converted to millimetres when written. */
export function isConverted(encoding: DepthEncodingId): boolean {
  return encoding === 'kinect-disparity' || encoding === 'kinect-disparity-shifted' || encoding === 'float'
}

/** Encodings that keep 16-bit values but move their bits (their invalid codes keep their meaning). */
function isBitShuffle(encoding: DepthEncodingId): boolean {
  return encoding === 'byte-swapped' || encoding === 'circular-shift-3'
}

/**
 * The samples a session stores for `encoding` read with `unitMeters`: unchanged for plain depth,
 * bits moved back for byte-swapped and rotated depth, millimetres (0 = none) for the rest.
 */
export function storedSamples(data: DepthSamples, encoding: DepthEncodingId, unitMeters: number): Uint16Array {
  if (encoding === 'plain' && data instanceof Uint16Array) return data
  const out = new Uint16Array(data.length)
  if (isBitShuffle(encoding)) {
    for (let k = 0; k < data.length; k++) out[k] = decodeSample(data[k]!, encoding)
    return out
  }
  const toMm = unitMeters / convertedUnitMeters
  for (let k = 0; k < data.length; k++) {
    const mm = Math.round(decodeSample(data[k]!, encoding) * toMm)
    out[k] = Number.isFinite(mm) && mm > 0 ? Math.min(mm, 65534) : 0
  }
  return out
}

/** Metres per stored value after `storedSamples`. */
export function storedUnitMeters(encoding: DepthEncodingId, unitMeters: number): number {
  return isConverted(encoding) ? convertedUnitMeters : unitMeters
}

/** Raw values that mean "no depth" in the stored samples. */
export function storedInvalidValues(encoding: DepthEncodingId, sourceInvalid: readonly number[]): number[] {
  return isConverted(encoding) ? [0] : [...sourceInvalid]
}

export function encodingName(encoding: DepthEncodingId): string {
  switch (encoding) {
    case 'plain':
      return '16-bit'
    case 'byte-swapped':
      return '16-bit byte-swapped'
    case 'circular-shift-3':
      return '16-bit rotated by 3 bits (APC / SUN RGB-D)'
    case 'kinect-disparity':
      return 'Kinect raw disparity'
    case 'kinect-disparity-shifted':
      return 'Kinect raw disparity × 8'
    case 'float':
      return '32-bit float'
  }
}

/** "mm", "1/5000 m", "0.1 mm", "m" … for messages. */
export function unitName(unitMeters: number): string {
  const known: Array<[number, string]> = [
    [1, 'm'],
    [0.001, 'mm'],
    [0.0001, '0.1 mm'],
    [0.01, 'cm'],
  ]
  for (const [value, name] of known) if (Math.abs(unitMeters / value - 1) < 1e-6) return name
  const perMeter = 1 / unitMeters
  return Math.abs(perMeter - Math.round(perMeter * 10) / 10) < 1e-6
    ? `1/${Math.round(perMeter * 10) / 10} m`
    : `${unitMeters} m`
}
