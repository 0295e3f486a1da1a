/**
 * Which frame of a live window the map fuses: a keyframe, whose view the map does not have yet. A
 * frame is new when every frame fused so far is at least `move.meters` away from it or turned at least
 * `move.degrees` from it; of a window's candidates the newest of the most novel is taken. A robot
 * standing still or driving a route again then costs the map nothing (and its memory stays as it is),
 * while new ground is fused as it comes into view.
 */
import { poseProblem } from './pose-checks'

export interface KeyframeMove {
  meters: number
  degrees: number
}

/** How far `pose` is from the nearest fused pose, in units of `move` (≥ 1: new; Infinity with none fused). */
export function poseNovelty(
  pose: readonly number[],
  fused: readonly (readonly number[])[],
  move: KeyframeMove,
): number {
  let nearest = Infinity
  for (const other of fused) {
    const meters = Math.hypot(pose[3]! - other[3]!, pose[7]! - other[7]!, pose[11]! - other[11]!)
    // trace(R₁ᵀR₂) = Σ R₁ᵢⱼR₂ᵢⱼ; the angle of the rotation between the two views.
    let trace = 0
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) trace += pose[i * 4 + j]! * other[i * 4 + j]!
    const degrees = (Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2))) * 180) / Math.PI
    nearest = Math.min(nearest, Math.max(meters / move.meters, degrees / move.degrees))
  }
  return nearest
}

/**
 * The candidate to fuse (indices ascending), or null when none shows a new view. A candidate without
 * a usable pose is returned as it is, so the map notes why it was not fused.
 */
export function chooseKeyframe(
  candidates: readonly number[],
  poseOf: (index: number) => number[] | null,
  fused: readonly (readonly number[])[],
  move: KeyframeMove,
): number | null {
  let best: number | null = null
  let bestNovelty = 1
  for (const index of candidates) {
    const pose = poseOf(index)
    if (poseProblem(pose)) return index
    const novelty = poseNovelty(pose as number[], fused, move)
    if (novelty >= bestNovelty) {
      best = index
      bestNovelty = novelty
    }
  }
  return best
}
