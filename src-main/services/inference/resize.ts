/**
 * Resizing exactly as OpenCV's `cv2.resize` does it, because DVEFormer was trained on cv2-resized
 * images (facts doc §2.2): RGB with INTER_LINEAR on uint8 (pixel-centre mapping, 11-bit fixed-point
 * weights, the SIMD rounding of `VResizeLinearVec_32s8u`), depth with INTER_NEAREST (`floor(x·src/dst)`,
 * no half-pixel offset — cv2's historical convention, not INTER_NEAREST_EXACT).
 */

const coefBits = 11
const coefScale = 1 << coefBits

interface LinearTaps {
  /** First source index per destination index (the second is clamped to the edge). */
  index0: Int32Array
  index1: Int32Array
  weight0: Int16Array
  weight1: Int16Array
}

/** Round half to even, like cvRound / saturate_cast<short>(float). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const diff = value - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/** cv2 zeroes the fraction at the left/right image edges but not at the top/bottom (rows only clamp indices). */
function linearTaps(srcSize: number, dstSize: number, clampWeights: boolean): LinearTaps {
  const scale = srcSize / dstSize
  const taps: LinearTaps = {
    index0: new Int32Array(dstSize),
    index1: new Int32Array(dstSize),
    weight0: new Int16Array(dstSize),
    weight1: new Int16Array(dstSize),
  }
  for (let d = 0; d < dstSize; d++) {
    // cv2 computes the source coordinate in double and stores it as float.
    let f = Math.fround((d + 0.5) * scale - 0.5)
    let s = Math.floor(f)
    f = Math.fround(f - s)
    if (clampWeights && s < 0) {
      s = 0
      f = 0
    }
    if (clampWeights && s >= srcSize - 1) {
      s = srcSize - 1
      f = 0
    }
    taps.index0[d] = Math.min(Math.max(s, 0), srcSize - 1)
    taps.index1[d] = Math.min(Math.max(s + 1, 0), srcSize - 1)
    taps.weight0[d] = roundHalfEven(Math.fround(1 - f) * coefScale)
    taps.weight1[d] = roundHalfEven(f * coefScale)
  }
  return taps
}

/** Cached taps: the same camera → network sizes repeat for every frame of a session. */
const tapsCache = new Map<string, LinearTaps>()
function cachedTaps(srcSize: number, dstSize: number, clampWeights: boolean): LinearTaps {
  const key = `${srcSize}>${dstSize}:${clampWeights}`
  let taps = tapsCache.get(key)
  if (!taps) {
    taps = linearTaps(srcSize, dstSize, clampWeights)
    tapsCache.set(key, taps)
  }
  return taps
}

/**
 * Bilinear resize of an interleaved 8-bit image with `channels` channels, bit-exact with cv2
 * INTER_LINEAR on x86 builds (vectorised rows).
 */
export function resizeLinearU8(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  dstWidth: number,
  dstHeight: number,
): Uint8Array {
  const dst = new Uint8Array(dstWidth * dstHeight * channels)
  if (srcWidth === dstWidth && srcHeight === dstHeight) {
    dst.set(src)
    return dst
  }
  const xTaps = cachedTaps(srcWidth, dstWidth, true)
  const yTaps = cachedTaps(srcHeight, dstHeight, false)
  const rowLength = dstWidth * channels
  // Horizontal pass results of the two source rows a destination row needs, as cv2 keeps them (int).
  let row0 = new Int32Array(rowLength)
  let row1 = new Int32Array(rowLength)
  let row0Source = -1
  let row1Source = -1
  const horizontal = (sy: number, out: Int32Array) => {
    const base = sy * srcWidth * channels
    for (let dx = 0; dx < dstWidth; dx++) {
      const a0 = xTaps.weight0[dx] as number
      const a1 = xTaps.weight1[dx] as number
      const s0 = base + (xTaps.index0[dx] as number) * channels
      const s1 = base + (xTaps.index1[dx] as number) * channels
      const o = dx * channels
      for (let c = 0; c < channels; c++) out[o + c] = (src[s0 + c] as number) * a0 + (src[s1 + c] as number) * a1
    }
  }
  for (let dy = 0; dy < dstHeight; dy++) {
    const sy0 = yTaps.index0[dy] as number
    const sy1 = yTaps.index1[dy] as number
    if (sy0 !== row0Source) {
      if (sy0 === row1Source) {
        const swap = row0
        row0 = row1
        row1 = swap
        row0Source = row1Source
        row1Source = -1
      } else {
        horizontal(sy0, row0)
        row0Source = sy0
      }
    }
    if (sy1 !== row1Source) {
      horizontal(sy1, row1)
      row1Source = sy1
    }
    const b0 = yTaps.weight0[dy] as number
    const b1 = yTaps.weight1[dy] as number
    const o = dy * rowLength
    for (let x = 0; x < rowLength; x++) {
      // v_mul_hi(S >> 4, b) = (S >> 4) * b >> 16, then v_rshr_pack_u<2> of the sum + 2.
      const sum = ((((row0[x] as number) >> 4) * b0) >> 16) + ((((row1[x] as number) >> 4) * b1) >> 16) + 2
      const value = sum >> 2
      dst[o + x] = value < 0 ? 0 : value > 255 ? 255 : value
    }
  }
  return dst
}

/** Source pixel index (row-major) for every destination pixel of a cv2 INTER_NEAREST resize. */
export function nearestSourceIndices(
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): Int32Array {
  const indices = new Int32Array(dstWidth * dstHeight)
  const scaleX = srcWidth / dstWidth
  const scaleY = srcHeight / dstHeight
  const columns = new Int32Array(dstWidth)
  for (let x = 0; x < dstWidth; x++) columns[x] = Math.min(Math.floor(x * scaleX), srcWidth - 1)
  for (let y = 0; y < dstHeight; y++) {
    const rowBase = Math.min(Math.floor(y * scaleY), srcHeight - 1) * srcWidth
    const o = y * dstWidth
    for (let x = 0; x < dstWidth; x++) indices[o + x] = rowBase + (columns[x] as number)
  }
  return indices
}
