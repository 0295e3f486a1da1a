/** One query's per-pixel result on a frame: relevancy and cosine bytes, peak, the region that passes and where its label goes. */
import type { NormalisedBox } from '../../contract'
import { growRegion } from '../pixel-regions'
import type { ScoreMaps } from '../ports'
import { passes } from './query-scoring'
import { relevancyFromScores } from './relevancy'

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
  labelAt: { xNorm: number; yNorm: number } | null
  coverage: number
}

/** `scores` rows: 0 = the query, 1.. = its negatives. */
export function summariseHeatmap(
  scores: ScoreMaps,
  negatives: number,
  temperature: number,
  threshold: number,
): HeatmapSummary {
  const { width, height } = scores
  const count = width * height
  const relevancy = relevancyFromScores(scores.scores, count, negatives, temperature)
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
    if (passes(r, threshold)) above++
  }
  const peakX = peakIndex % width
  const peakY = Math.floor(peakIndex / width)
  const main = mainRegion(relevancy, width, height, threshold)
  return {
    width,
    height,
    bytes,
    relevancy,
    maxRelevancy: relevancy[peakIndex] as number,
    maxCosine,
    peak: { xNorm: (peakX + 0.5) / width, yNorm: (peakY + 0.5) / height },
    region: main?.box ?? null,
    labelAt: main?.labelAt ?? null,
    coverage: above / count,
  }
}

/**
 * The 4-connected region of passing pixels with the most summed relevancy, its box, and its pole
 * of inaccessibility (the member pixel farthest from the region's border, chamfer distance), so a
 * label sits inside the thing rather than on a sliver at the image edge.
 */
export function mainRegion(
  relevancy: Float32Array,
  width: number,
  height: number,
  threshold: number,
): { box: NormalisedBox; labelAt: { xNorm: number; yNorm: number } } | null {
  const component = new Int32Array(width * height).fill(-1)
  let best: { id: number; weight: number; box: [number, number, number, number] } | null = null
  for (let seed = 0; seed < component.length; seed++) {
    if (component[seed] !== -1 || !passes(relevancy[seed] as number, threshold)) continue
    component[seed] = seed
    let weight = 0
    let x0 = width,
      y0 = height,
      x1 = 0,
      y1 = 0
    growRegion(
      width,
      height,
      seed,
      (n) => {
        if (component[n] !== -1 || !passes(relevancy[n] as number, threshold)) return false
        component[n] = seed
        return true
      },
      (i, x, y) => {
        weight += relevancy[i] as number
        x0 = Math.min(x0, x)
        x1 = Math.max(x1, x)
        y0 = Math.min(y0, y)
        y1 = Math.max(y1, y)
      },
    )
    if (!best || weight > best.weight) best = { id: seed, weight, box: [x0, y0, x1, y1] }
  }
  if (!best) return null
  const [x0, y0, x1, y1] = best.box
  // Two-pass chamfer distance to the nearest non-member (outside the image counts as outside).
  const distance = new Float32Array(width * height)
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : (distance[y * width + x] as number)
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * width + x
      distance[i] =
        component[i] === best.id
          ? Math.min(at(x - 1, y), at(x, y - 1), at(x - 1, y - 1) + 0.4, at(x + 1, y - 1) + 0.4) + 1
          : 0
    }
  }
  let pole = { x: x0, y: y0, d: -1 }
  for (let y = y1; y >= y0; y--) {
    for (let x = x1; x >= x0; x--) {
      const i = y * width + x
      if (component[i] !== best.id) continue
      const d = Math.min(
        distance[i] as number,
        at(x + 1, y) + 1,
        at(x, y + 1) + 1,
        at(x + 1, y + 1) + 1.4,
        at(x - 1, y + 1) + 1.4,
      )
      distance[i] = d
      if (d > pole.d) pole = { x, y, d }
    }
  }
  return {
    box: { x0: x0 / width, y0: y0 / height, x1: (x1 + 1) / width, y1: (y1 + 1) / height },
    labelAt: { xNorm: (pole.x + 0.5) / width, yNorm: (pole.y + 0.5) / height },
  }
}
