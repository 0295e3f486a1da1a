/**
 * A 3-channel display of an embedding map: the first three principal axes of a pixel sample
 * (power iteration with deflation on the centred sample, never the D×D covariance), projected by
 * the scoring Gemm, then stretched per channel between the 2nd and 98th percentile.
 */
import type { EmbeddingMapData } from './worker-protocol'

/** A map with its float32 values (the worker decodes an fp16 one for this). */
type FloatMap = Extract<EmbeddingMapData, { data: Float32Array }>

export interface PcaAxes {
  /** 3 rows of dim. */
  axes: Float32Array
  /** −axis·mean per row, so Gemm(axes, x, bias) projects the centred pixel. */
  bias: Float32Array
}

const components = 3

export function pcaAxes(map: FloatMap, maxSamples = 1024, iterations = 24): PcaAxes {
  const { dim } = map
  const pixels = map.width * map.height
  const step = Math.max(1, Math.floor(pixels / maxSamples))
  const count = Math.ceil(pixels / step)
  const sample = new Float32Array(count * dim)
  const mean = new Float64Array(dim)
  for (let s = 0; s < count; s++) {
    const p = s * step
    for (let c = 0; c < dim; c++) {
      const v = map.data[p * dim + c] as number
      sample[s * dim + c] = v
      mean[c] = (mean[c] as number) + v / count
    }
  }
  for (let s = 0; s < count; s++)
    for (let c = 0; c < dim; c++) sample[s * dim + c] = (sample[s * dim + c] as number) - (mean[c] as number)

  const axes = new Float32Array(components * dim)
  const bias = new Float32Array(components)
  const projections = new Float64Array(count)
  for (let k = 0; k < components; k++) {
    const axis = new Float64Array(dim)
    for (let c = 0; c < dim; c++) axis[c] = Math.cos(c * (k + 1) + k) // deterministic start, no zero vector
    for (let it = 0; it < iterations; it++) {
      for (let s = 0; s < count; s++) {
        let dot = 0
        for (let c = 0; c < dim; c++) dot += (sample[s * dim + c] as number) * (axis[c] as number)
        projections[s] = dot
      }
      axis.fill(0)
      for (let s = 0; s < count; s++) {
        const w = projections[s] as number
        for (let c = 0; c < dim; c++) axis[c] = (axis[c] as number) + w * (sample[s * dim + c] as number)
      }
      // Deflation: stay orthogonal to the axes found before.
      for (let j = 0; j < k; j++) {
        let dot = 0
        for (let c = 0; c < dim; c++) dot += (axis[c] as number) * (axes[j * dim + c] as number)
        for (let c = 0; c < dim; c++) axis[c] = (axis[c] as number) - dot * (axes[j * dim + c] as number)
      }
      const norm = Math.hypot(...axis)
      if (norm === 0) break
      for (let c = 0; c < dim; c++) axis[c] = (axis[c] as number) / norm
    }
    // Sign convention: the largest component is positive, so colours do not flip between runs.
    let largest = 0
    for (let c = 0; c < dim; c++) if (Math.abs(axis[c] as number) > Math.abs(axis[largest] as number)) largest = c
    const sign = (axis[largest] as number) < 0 ? -1 : 1
    let offset = 0
    for (let c = 0; c < dim; c++) {
      axes[k * dim + c] = sign * (axis[c] as number)
      offset -= sign * (axis[c] as number) * (mean[c] as number)
    }
    bias[k] = offset
  }
  return { axes, bias }
}

/** Channel-major projections (3 × pixels) → interleaved RGB bytes. */
export function projectionsToRgb(projections: Float32Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3)
  for (let k = 0; k < components; k++) {
    const channel = projections.subarray(k * pixels, (k + 1) * pixels)
    const sorted = Float32Array.from(channel).sort()
    const low = sorted[Math.floor(0.02 * (pixels - 1))] as number
    const high = sorted[Math.ceil(0.98 * (pixels - 1))] as number
    const scale = high > low ? 255 / (high - low) : 0
    for (let p = 0; p < pixels; p++)
      rgb[p * 3 + k] = Math.max(0, Math.min(255, Math.round(((channel[p] as number) - low) * scale)))
  }
  return rgb
}
