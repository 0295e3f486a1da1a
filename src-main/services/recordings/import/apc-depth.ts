/**
 * The Princeton APC depth encoding stores `d` (0.1 mm) rotated left by 3 bits, so nearly every stored
 * value is a multiple of 8; plain sensor depth is a multiple of 8 about 1 time in 8.
 */

const minimumSamples = 1000

/** Share of non-zero samples that are multiples of 8 (0 when too few samples to judge). */
export function bitRotatedShare(samples: Uint16Array): number {
  let nonZero = 0
  let multiples = 0
  for (const v of samples) {
    if (!v) continue
    nonZero++
    if ((v & 7) === 0) multiples++
  }
  return nonZero >= minimumSamples ? multiples / nonZero : 0
}
