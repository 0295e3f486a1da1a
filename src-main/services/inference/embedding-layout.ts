/**
 * The model's raw output [1, D, h, w] (channel-major, not normalised) → the map the console keeps:
 * pixel-major (HWC), average-pooled by an integer factor when wider than the cache resolution
 * (stride-1 models), and L2-normalised per pixel.
 */
import type { EmbeddingMapData } from './worker-protocol'

export function poolFactor(outputWidth: number, maxMapWidth: number): number {
  return Math.max(1, Math.ceil(outputWidth / maxMapWidth))
}

export function toNormalisedMap(chw: Float32Array, dim: number, height: number, width: number, factor: number): EmbeddingMapData {
  const outWidth = Math.floor(width / factor)
  const outHeight = Math.floor(height / factor)
  const pixels = outWidth * outHeight
  const data = new Float32Array(pixels * dim)
  const plane = height * width
  if (factor === 1) {
    // Transpose channel by channel: sequential reads, strided writes.
    for (let c = 0; c < dim; c++) {
      const base = c * plane
      for (let p = 0, o = c; p < pixels; p++, o += dim) data[o] = chw[base + p] as number
    }
  } else {
    for (let c = 0; c < dim; c++) {
      const base = c * plane
      for (let y = 0; y < outHeight; y++) {
        for (let x = 0; x < outWidth; x++) {
          let sum = 0
          for (let dy = 0; dy < factor; dy++) {
            const row = base + (y * factor + dy) * width + x * factor
            for (let dx = 0; dx < factor; dx++) sum += chw[row + dx] as number
          }
          data[(y * outWidth + x) * dim + c] = sum
        }
      }
    }
  }
  normaliseRows(data, dim)
  return { dim, width: outWidth, height: outHeight, data }
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
