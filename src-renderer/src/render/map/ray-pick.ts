/**
 * CPU picking: the point nearest the eye among those within `radius` of the ray. One pass over the
 * drawn points (a few ms per million), so no picking framebuffer is needed.
 */
export function pickAlongRay(
  positions: Float32Array,
  count: number,
  origin: ArrayLike<number>,
  direction: ArrayLike<number>,
  radius: number,
): number {
  const [ox, oy, oz] = [origin[0]!, origin[1]!, origin[2]!]
  const [dx, dy, dz] = [direction[0]!, direction[1]!, direction[2]!]
  const radiusSq = radius * radius
  let best = -1
  let bestT = Infinity
  for (let i = 0; i < count; i++) {
    const px = positions[i * 3]! - ox
    const py = positions[i * 3 + 1]! - oy
    const pz = positions[i * 3 + 2]! - oz
    const t = px * dx + py * dy + pz * dz
    if (t <= 0 || t >= bestT) continue
    const distSq = px * px + py * py + pz * pz - t * t
    if (distSq <= radiusSq) {
      best = i
      bestT = t
    }
  }
  return best
}
