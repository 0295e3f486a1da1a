/**
 * The model's raw output [1, D, h, w] (channel-major, not normalised) → what the console keeps:
 * average-pooled by an integer factor when wider than the cache resolution (stride-1 models),
 * L2-normalised per pixel, pixel-major (HWC), as fp16 bits. One pass per channel over contiguous
 * memory: this runs per frame between the model and the cache, so it is kept lean.
 */
import { encodeHalf } from './float16'

export interface HalfMap {
  dim: number
  width: number
  height: number
  /** HWC fp16 bits: pixel p owns halves[p * dim … + dim). */
  halves: Uint16Array
}

const tileSize = 64

export function poolFactor(outputWidth: number, maxMapWidth: number): number {
  return Math.max(1, Math.ceil(outputWidth / maxMapWidth))
}

export function toNormalisedHalves(chw: Float32Array, dim: number, height: number, width: number, factor: number): HalfMap {
  const pooled = factor === 1 ? { data: chw, width, height } : poolChannels(chw, dim, height, width, factor)
  const pixels = pooled.width * pooled.height
  const invNorm = new Float32Array(pixels)
  for (let c = 0; c < dim; c++) {
    const base = c * pixels
    for (let p = 0; p < pixels; p++) {
      const v = pooled.data[base + p] as number
      invNorm[p] = (invNorm[p] as number) + v * v
    }
  }
  for (let p = 0; p < pixels; p++) invNorm[p] = (invNorm[p] as number) > 0 ? 1 / Math.sqrt(invNorm[p] as number) : 0
  // Pixel tiles keep the strided HWC writes inside the cache (one tile is tileSize × dim halves).
  const halves = new Uint16Array(pixels * dim)
  const scaled = new Float32Array(tileSize)
  const scaledHalves = new Uint16Array(tileSize)
  for (let p0 = 0; p0 < pixels; p0 += tileSize) {
    const count = Math.min(tileSize, pixels - p0)
    const values = scaled.subarray(0, count)
    const encoded = scaledHalves.subarray(0, count)
    for (let c = 0; c < dim; c++) {
      const base = c * pixels + p0
      for (let i = 0; i < count; i++) values[i] = (pooled.data[base + i] as number) * (invNorm[p0 + i] as number)
      encodeHalf(values, encoded)
      for (let i = 0, o = p0 * dim + c; i < count; i++, o += dim) halves[o] = encoded[i] as number
    }
  }
  return { dim, width: pooled.width, height: pooled.height, halves }
}

/** Mean of factor×factor blocks per channel (the right/bottom remainder is dropped). */
function poolChannels(chw: Float32Array, dim: number, height: number, width: number, factor: number) {
  const outWidth = Math.floor(width / factor)
  const outHeight = Math.floor(height / factor)
  const data = new Float32Array(dim * outWidth * outHeight)
  const scale = 1 / (factor * factor)
  for (let c = 0; c < dim; c++) {
    const source = c * height * width
    const target = c * outWidth * outHeight
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        let sum = 0
        for (let dy = 0; dy < factor; dy++) {
          const row = source + (y * factor + dy) * width + x * factor
          for (let dx = 0; dx < factor; dx++) sum += chw[row + dx] as number
        }
        data[target + y * outWidth + x] = sum * scale
      }
    }
  }
  return { data, width: outWidth, height: outHeight }
}

/** L2-normalises consecutive rows of `dim` in place; all-zero rows stay zero. */
export function normaliseRows(data: Float32Array, dim: number): void {
  for (let o = 0; o < data.length; o += dim) {
    let sum = 0
    for (let c = 0; c < dim; c++) sum += (data[o + c] as number) ** 2
    if (sum === 0) continue
    const inv = 1 / Math.sqrt(sum)
    for (let c = 0; c < dim; c++) data[o + c] = (data[o + c] as number) * inv
  }
}
