/** What the map view shows for a clicked voxel: its statistics, normal and the frames that saw it. */
import type { VoxelDetail } from '../../contract'
import type { FusedMap } from './fused-map'
import { observationSlots } from './voxel-grid'

export function voxelDetail(map: FusedMap, i: number, timestampOf: (frameIndex: number) => number): VoxelDetail {
  const seen = map.framesSeen[i]!
  const frames = [
    ...map.observations.subarray(i * observationSlots, i * observationSlots + Math.min(seen, observationSlots)),
  ].sort((a, b) => a - b)
  const label = map.labels[i]!
  return {
    voxelIndex: i,
    centerMeters: [map.positions[i * 3]!, map.positions[i * 3 + 1]!, map.positions[i * 3 + 2]!],
    pointCount: map.pointCounts[i]!,
    normal: smallestEigenvector(map.covariances.subarray(i * 6, i * 6 + 6)),
    meanColor: [map.colors[i * 4]!, map.colors[i * 4 + 1]!, map.colors[i * 4 + 2]!],
    label: label ? (map.meta.labelClasses.find((c) => c.id === label)?.name ?? `class ${label}`) : null,
    observations: frames.map((frameIndex) => ({ frameIndex, timestampSec: timestampOf(frameIndex) })),
    observedByFrames: seen,
  }
}

/**
 * The surface normal of an NDT cell: the eigenvector of the smallest eigenvalue of its covariance,
 * by inverse-free power iteration on (trace·I − C). Null for cells with too few points to tell.
 */
export function smallestEigenvector(c: Float32Array): [number, number, number] | null {
  const [xx, xy, xz, yy, yz, zz] = [c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!]
  const trace = xx + yy + zz
  if (!(trace > 1e-10)) return null
  // Largest eigenvector of (trace·I − C) = smallest of C.
  const m = [trace - xx, -xy, -xz, -xy, trace - yy, -yz, -xz, -yz, trace - zz]
  let v = [0.577, 0.577, 0.577]
  for (let it = 0; it < 50; it++) {
    const next = [
      m[0]! * v[0]! + m[1]! * v[1]! + m[2]! * v[2]!,
      m[3]! * v[0]! + m[4]! * v[1]! + m[5]! * v[2]!,
      m[6]! * v[0]! + m[7]! * v[1]! + m[8]! * v[2]!,
    ]
    const norm = Math.hypot(...next) || 1
    v = next.map((x) => x / norm)
  }
  return v as [number, number, number]
}
