/**
 * Pins on a query: the passing voxels grouped into connected clusters (26-neighbourhood on the voxel
 * grid), each cluster pinned on its voxel nearest the relevancy-weighted centre, sized by its extent
 * (so "Go to" can frame it) and named after its most frequent ground-truth class.
 */
import type { LabelClass, MapPinInfo } from '../../contract'
import { hashOf } from './voxel-hash'

export interface ClusterInput {
  positions: Float32Array
  labels: Uint16Array
  voxelSizeMeters: number
  labelClasses: LabelClass[]
}

/** At most this many voxels take part in clustering (the best ones; 5 000 voxels of 5 cm are 12 m² of surface). */
const maxCandidates = 5000
/** A pin needs a cluster of at least this many passing voxels: one stray voxel is not a thing. */
export const minPinVoxels = 3

type ClusterPin = Omit<MapPinInfo, 'nearby'>

/** Per voxel scores (higher is better) and two questions about them a SIMD scan answers without a pass in JS. */
export interface VoxelScores {
  values: Float32Array
  /** A value about `keep` scores reach (topCut; the map's scan counts a histogram as it goes). */
  cutOf: (keep: number) => number
  /** The indices of the scores at or above `cut`, in order. */
  atLeast: (cut: number) => ArrayLike<number>
}

/** VoxelScores of plain values (one pass in JS per question). */
export function plainScores(values: Float32Array): VoxelScores {
  return {
    values,
    cutOf: (keep) => topCut(values, keep),
    atLeast: (cut) => {
      const indices: number[] = []
      for (let i = 0; i < values.length; i++) if (values[i]! >= cut) indices.push(i)
      return indices
    },
  }
}

/** Voxels below `threshold` are ignored. */
export function clusterPins(map: ClusterInput, scored: VoxelScores, threshold: number, maxPins: number): ClusterPin[] {
  const scores = scored.values
  const candidates = bestVoxels(scored, Math.max(threshold, scored.cutOf(maxCandidates)), maxCandidates)
  const m = candidates.length
  const s = map.voxelSizeMeters
  const cells = new Int32Array(m * 3)
  for (let k = 0; k < m; k++)
    for (let a = 0; a < 3; a++) cells[k * 3 + a] = Math.floor(map.positions[candidates[k]! * 3 + a]! / s)
  // Open addressing over the candidates' cells (candidate + 1; 0 = empty), at most half full.
  const size = 2 ** Math.ceil(Math.log2(2 * m + 2))
  const mask = size - 1
  const table = new Int32Array(size)
  const sameCell = (entry: number, x: number, y: number, z: number): boolean => {
    const c = (entry - 1) * 3
    return cells[c] === x && cells[c + 1] === y && cells[c + 2] === z
  }
  for (let k = 0; k < m; k++) {
    const [x, y, z] = [cells[k * 3]!, cells[k * 3 + 1]!, cells[k * 3 + 2]!]
    let h = hashOf(x, y, z) & mask
    while (table[h] !== 0 && !sameCell(table[h]!, x, y, z)) h = (h + 1) & mask
    // A cell's first candidate is the one `find` returns; later ones in the same cell (voxels never share
    // a cell in a fused map, but they may elsewhere) stay out, so they cannot make long probe runs.
    if (table[h] === 0) table[h] = k + 1
  }
  const find = (x: number, y: number, z: number): number => {
    for (let h = hashOf(x, y, z) & mask; ; h = (h + 1) & mask) {
      const entry = table[h]!
      if (entry === 0) return -1
      if (sameCell(entry, x, y, z)) return entry - 1
    }
  }
  const component = new Uint8Array(m)
  // One stack for every cluster: a cluster's members are stack[first … end) once it is walked.
  const stack = new Int32Array(m)
  let end = 0
  const pins: Array<ClusterPin & { score: number }> = []
  for (let start = 0; start < m; start++) {
    if (component[start] !== 0) continue
    const first = end
    stack[end++] = start
    component[start] = 1
    for (let next = first; next < end; next++) {
      const k = stack[next]!
      const [x, y, z] = [cells[k * 3]!, cells[k * 3 + 1]!, cells[k * 3 + 2]!]
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dz = -1; dz <= 1; dz++) {
            const other = find(x + dx, y + dy, z + dz)
            if (other !== -1 && component[other] === 0) {
              component[other] = 1
              stack[end++] = other
            }
          }
    }
    if (end - first >= minPinVoxels)
      pins.push(
        pinOf(
          map,
          scores,
          Array.from(stack.subarray(first, end), (k) => candidates[k]!),
        ),
      )
  }
  return pins
    .sort((a, b) => b.score - a.score)
    .slice(0, maxPins)
    .map(({ score: _score, ...pin }) => pin)
}

function pinOf(map: ClusterInput, scores: Float32Array, voxels: number[]): ClusterPin & { score: number } {
  const centre = [0, 0, 0]
  let weight = 0
  let best = -Infinity
  const votes = new Map<number, number>()
  for (const i of voxels) {
    const w = scores[i]!
    for (let a = 0; a < 3; a++) centre[a]! += w * map.positions[i * 3 + a]!
    weight += w
    best = Math.max(best, w)
    const label = map.labels[i]!
    if (label) votes.set(label, (votes.get(label) ?? 0) + 1)
  }
  const top = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]
  const nearLabel = top ? (map.labelClasses.find((c) => c.id === top[0])?.name ?? null) : null
  const mean = centre.map((v) => v / (weight || 1))
  // The pin goes on the member voxel nearest the weighted centre: the centre of an L-shaped sofa is off the sofa.
  let pinVoxel = voxels[0]!
  let nearest = Infinity
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (const i of voxels) {
    let d2 = 0
    for (let a = 0; a < 3; a++) {
      const v = map.positions[i * 3 + a]!
      d2 += (v - mean[a]!) ** 2
      min[a] = Math.min(min[a]!, v)
      max[a] = Math.max(max[a]!, v)
    }
    if (d2 < nearest) {
      nearest = d2
      pinVoxel = i
    }
  }
  return {
    worldPoint: [map.positions[pinVoxel * 3]!, map.positions[pinVoxel * 3 + 1]!, map.positions[pinVoxel * 3 + 2]!],
    sizeMeters: Math.max(...max.map((v, a) => v - min[a]!)) + map.voxelSizeMeters,
    relevancy: best,
    voxelCount: voxels.length,
    nearLabel,
    // Clusters are ranked by summed score: a big, clearly relevant object beats one stray voxel.
    score: weight,
  }
}

const cutBins = 4096

/**
 * The indices of the best `keep` scores at or above `cut`, best first. A histogram's cut can leave far
 * more (scores bunched in a few of its bins, as in a big map): those are narrowed with a histogram of
 * their own range before sorting, so a query never sorts a big share of the map.
 */
export function bestVoxels(scored: VoxelScores, cut: number, keep: number): number[] {
  const scores = scored.values
  let candidates = Array.from(scored.atLeast(cut))
  while (candidates.length > 2 * keep) {
    const values = Float32Array.from(candidates, (i) => scores[i]!)
    const narrower = topCut(values, keep)
    const kept = candidates.filter((i) => scores[i]! >= narrower)
    if (kept.length === candidates.length) break
    candidates = kept
  }
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b)
  candidates.length = Math.min(candidates.length, keep)
  return candidates
}

/** A value such that about `keep` of `values` are at or above it (histogram, no sort of all values). */
export function topCut(values: Float32Array, keep: number): number {
  if (values.length <= keep) return -Infinity
  let min = Infinity
  let max = -Infinity
  // Indexed loops: for-of over a typed array is ~3× slower in V8 on a million values.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v < min) min = v
    if (v > max) max = v
  }
  if (!(max > min)) return min
  const histogram = new Uint32Array(cutBins)
  const scale = (cutBins - 1) / (max - min)
  for (let i = 0; i < values.length; i++) histogram[Math.floor((values[i]! - min) * scale)]!++
  return histogramCut(histogram, keep, min, scale)
}

/**
 * topCut from a histogram already counted (bin b holds the values in [min + b/scale, min + (b+1)/scale)):
 * the lower edge of the highest bins holding at least `keep` values; -Infinity when all together hold fewer.
 */
export function histogramCut(histogram: Uint32Array, keep: number, min: number, scale: number): number {
  let above = 0
  for (let b = histogram.length - 1; b >= 0; b--) {
    above += histogram[b]!
    if (above >= keep) return b === 0 ? -Infinity : min + b / scale
  }
  return -Infinity
}
