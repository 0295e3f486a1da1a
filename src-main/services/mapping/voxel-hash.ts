/** Integer voxel coordinates → a 32-bit hash for open addressing (the voxel grid's table, the pins' clusters). */
export function hashOf(ix: number, iy: number, iz: number): number {
  // Multiplicative per axis, then mixed, so linear probing sees no runs along an axis.
  let h = Math.imul(ix, 0x9e3779b1) ^ Math.imul(iy, 0x85ebca77) ^ Math.imul(iz, 0xc2b2ae3d)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  return h ^ (h >>> 12)
}
