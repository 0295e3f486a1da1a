/** One query's per-pixel result on a frame: relevancy and cosine bytes, peak, blob around the peak. */
import type { NormalisedBox } from '../../contract'
import type { ScoreMaps } from '../ports'
import { adaptiveThreshold, relevancyFromScores } from './relevancy'

export interface HeatmapSummary {
  width: number
  height: number
  /** relevancy bytes (0..255 ↔ 0..1) then cosine bytes (0..255 ↔ −1..1). */
  bytes: Uint8Array
  relevancy: Float32Array
  maxRelevancy: number
  maxCosine: number
  peak: { xNorm: number; yNorm: number }
  region: NormalisedBox | null
  coverage: number
  threshold: number
}

/** `scores` rows: 0 = the query, 1.. = its negatives; a null threshold is chosen from this frame. */
export function summariseHeatmap(scores: ScoreMaps, negatives: number, temperature: number, fixedThreshold: number | null): HeatmapSummary {
  const { width, height } = scores
  const count = width * height
  const relevancy = relevancyFromScores(scores.scores, count, negatives, temperature)
  const threshold = fixedThreshold ?? adaptiveThreshold(relevancy)
  const bytes = new Uint8Array(2 * count)
  let peakIndex = 0
  let maxCosine = -Infinity
  let above = 0
  for (let i = 0; i < count; i++) {
    const r = relevancy[i] as number
    const cosine = scores.scores[i] as number
    bytes[i] = Math.round(255 * Math.min(1, Math.max(0, r)))
    bytes[count + i] = Math.round(127.5 * (Math.min(1, Math.max(-1, cosine)) + 1))
    if (r > (relevancy[peakIndex] as number)) peakIndex = i
    if (cosine > maxCosine) maxCosine = cosine
    if (r >= threshold) above++
  }
  const maxRelevancy = relevancy[peakIndex] as number
  const peakX = peakIndex % width
  const peakY = Math.floor(peakIndex / width)
  return {
    width, height, bytes, relevancy, maxRelevancy, maxCosine,
    peak: { xNorm: (peakX + 0.5) / width, yNorm: (peakY + 0.5) / height },
    region: maxRelevancy >= threshold ? blobBox(relevancy, width, height, peakIndex, threshold) : null,
    coverage: above / count,
    threshold,
  }
}

/** Bounding box (normalised) of the 4-connected above-threshold pixels around `seed`. */
function blobBox(relevancy: Float32Array, width: number, height: number, seed: number, threshold: number): NormalisedBox {
  const seen = new Uint8Array(width * height)
  const stack = [seed]
  seen[seed] = 1
  let x0 = width, y0 = height, x1 = 0, y1 = 0
  while (stack.length > 0) {
    const i = stack.pop() as number
    const x = i % width
    const y = Math.floor(i / width)
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y)
    for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const n = ny * width + nx
      if (!seen[n] && (relevancy[n] as number) >= threshold) {
        seen[n] = 1
        stack.push(n)
      }
    }
  }
  return { x0: x0 / width, y0: y0 / height, x1: (x1 + 1) / width, y1: (y1 + 1) / height }
}
