/**
 * The fill tool's region: output pixels 4-connected to the clicked one whose embedding cosine to it
 * exceeds a threshold, returned as runs over the camera-size mask.
 */
import type { EmbeddingMap } from '../ports'
import { growRegion } from '../pixel-regions'

export function similarRegion(map: EmbeddingMap, seedX: number, seedY: number, threshold: number): Uint8Array {
  const { width, height, dim, data } = map
  const inside = new Uint8Array(width * height)
  const seed = Math.min(height - 1, Math.max(0, seedY)) * width + Math.min(width - 1, Math.max(0, seedX))
  const seedRow = data.subarray(seed * dim, (seed + 1) * dim)
  inside[seed] = 1
  growRegion(width, height, seed, (q) => {
    if (inside[q]) return false
    let cosine = 0
    for (let d = 0; d < dim; d++) cosine += (data[q * dim + d] as number) * (seedRow[d] as number)
    if (cosine <= threshold) return false
    inside[q] = 1
    return true
  })
  return inside
}

/** Runs [offset, length, 1] over a camera-size mask covering the output pixels set in `inside`. */
export function regionRuns(
  inside: Uint8Array,
  outWidth: number,
  outHeight: number,
  cameraWidth: number,
  cameraHeight: number,
): number[] {
  const runs: number[] = []
  for (let y = 0; y < cameraHeight; y++) {
    const oy = Math.min(outHeight - 1, Math.floor((y * outHeight) / cameraHeight))
    let start = -1
    for (let x = 0; x <= cameraWidth; x++) {
      const on =
        x < cameraWidth &&
        inside[oy * outWidth + Math.min(outWidth - 1, Math.floor((x * outWidth) / cameraWidth))] === 1
      if (on && start < 0) start = x
      if (!on && start >= 0) {
        runs.push(y * cameraWidth + start, x - start, 1)
        start = -1
      }
    }
  }
  return runs
}
