/**
 * Pins on a query: the passing voxels grouped into connected clusters (26-neighbourhood on the voxel
 * grid), each cluster pinned on its voxel nearest the relevancy-weighted centre, sized by its extent
 * (so "Go to" can frame it) and named after its most frequent ground-truth class.
 */
import type { LabelClass, MapPinInfo } from '../../contract'

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

/**
 * `scores`: per voxel, higher is better; voxels below `threshold` are ignored. `cutOf(keep)` gives a
 * value about `keep` scores reach (topCut; the map's scan counts a histogram, so it need not pass again).
 */
export function clusterPins(
  map: ClusterInput,
  scores: Float32Array,
  threshold: number,
  maxPins: number,
  cutOf: (keep: number) => number = (keep) => topCut(scores, keep),
): ClusterPin[] {
  const candidates = bestVoxels(scores, Math.max(threshold, cutOf(maxCandidates)), maxCandidates)
  const s = map.voxelSizeMeters
  const cells = new Int32Array(candidates.length * 3)
  const low = [Infinity, Infinity, Infinity]
  const high = [-Infinity, -Infinity, -Infinity]
  candidates.forEach((i, k) => {
    for (let a = 0; a < 3; a++) {
      const c = Math.floor(map.positions[i * 3 + a]! / s)
      cells[k * 3 + a] = c
      low[a] = Math.min(low[a]!, c)
      high[a] = Math.max(high[a]!, c)
    }
  })
  // Cells (and their neighbours) packed into one key: a small integer (fast Map keys in V8) when the
  // candidates' box allows, else 21 bits per axis like the voxel grid's keys.
  const [sx, sy, sz] = [0, 1, 2].map((a) => high[a]! - low[a]! + 3) as [number, number, number]
  const cellKey =
    sx * sy * sz < 2 ** 30
      ? (x: number, y: number, z: number): number =>
          ((x - low[0]! + 1) * sy + (y - low[1]! + 1)) * sz + (z - low[2]! + 1)
      : (x: number, y: number, z: number): number => ((x + 1048576) * 2097152 + (y + 1048576)) * 2097152 + (z + 1048576)
  const cellOf = new Map<number, number>()
  for (let k = 0; k < candidates.length; k++)
    cellOf.set(cellKey(cells[k * 3]!, cells[k * 3 + 1]!, cells[k * 3 + 2]!), k)
  const component = new Int32Array(candidates.length).fill(-1)
  const pins: Array<ClusterPin & { score: number }> = []
  for (let start = 0; start < candidates.length; start++) {
    if (component[start] !== -1) continue
    const members: number[] = []
    const stack = [start]
    component[start] = start
    while (stack.length) {
      const k = stack.pop()!
      members.push(k)
      const [x, y, z] = [cells[k * 3]!, cells[k * 3 + 1]!, cells[k * 3 + 2]!]
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dz = -1; dz <= 1; dz++) {
            const other = cellOf.get(cellKey(x + dx, y + dy, z + dz))
            if (other !== undefined && component[other] === -1) {
              component[other] = start
              stack.push(other)
            }
          }
    }
    if (members.length >= minPinVoxels)
      pins.push(
        pinOf(
          map,
          scores,
          members.map((k) => candidates[k]!),
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
export function bestVoxels(scores: Float32Array, cut: number, keep: number): number[] {
  let candidates: number[] = []
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= cut) candidates.push(i)
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
