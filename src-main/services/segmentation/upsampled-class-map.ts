/**
 * Class map at camera resolution: the logits are upsampled bilinearly (align_corners=False, as
 * torch's interpolate in the reference postprocessing) and the argmax is taken per camera pixel.
 * Upsampling the logits, not the decision, gives smooth class borders; nothing K × camera-sized is
 * allocated, and the work yields to the event loop between row bands.
 *
 * Shortcut: where the four source pixels around a camera pixel share their argmax c, the
 * interpolated logits (a convex combination) also have c as argmax, so only pixels near class
 * borders interpolate all K logits.
 */
import type { ScoreMaps } from '../ports'

const rowsPerSlice = 32

/** Source sample positions for each target index along one axis (align_corners=False). */
function axisTaps(target: number, source: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const lo = new Int32Array(target)
  const hi = new Int32Array(target)
  const t = new Float32Array(target)
  const scale = source / target
  for (let i = 0; i < target; i++) {
    const x = Math.max(0, (i + 0.5) * scale - 0.5)
    const x0 = Math.min(source - 1, Math.floor(x))
    lo[i] = x0
    hi[i] = Math.min(source - 1, x0 + 1)
    t[i] = x - x0
  }
  return { lo, hi, t }
}

export async function upsampledClassMap(
  scores: ScoreMaps,
  cameraWidth: number,
  cameraHeight: number,
  signal?: AbortSignal,
): Promise<Uint16Array> {
  const { width, height, count } = scores
  const plane = width * height
  const xs = axisTaps(cameraWidth, width)
  const ys = axisTaps(cameraHeight, height)
  const out = new Uint16Array(cameraWidth * cameraHeight)
  const logits = scores.scores
  const winners = strideArgmax(scores)
  for (let y = 0; y < cameraHeight; y++) {
    if (y % rowsPerSlice === 0 && y > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      signal?.throwIfAborted()
    }
    const row0 = (ys.lo[y] as number) * width
    const row1 = (ys.hi[y] as number) * width
    const ty = ys.t[y] as number
    for (let x = 0; x < cameraWidth; x++) {
      const x0 = xs.lo[x] as number
      const x1 = xs.hi[x] as number
      const c = winners[row0 + x0] as number
      if (winners[row0 + x1] === c && winners[row1 + x0] === c && winners[row1 + x1] === c) {
        out[y * cameraWidth + x] = c
        continue
      }
      const tx = xs.t[x] as number
      const w00 = (1 - tx) * (1 - ty),
        w01 = tx * (1 - ty),
        w10 = (1 - tx) * ty,
        w11 = tx * ty
      let best = 0
      let bestLogit = -Infinity
      for (let k = 0, base = 0; k < count; k++, base += plane) {
        const logit =
          w00 * (logits[base + row0 + x0] as number) +
          w01 * (logits[base + row0 + x1] as number) +
          w10 * (logits[base + row1 + x0] as number) +
          w11 * (logits[base + row1 + x1] as number)
        if (logit > bestLogit) {
          bestLogit = logit
          best = k
        }
      }
      out[y * cameraWidth + x] = best
    }
  }
  return out
}

function strideArgmax(scores: ScoreMaps): Uint16Array {
  const pixels = scores.width * scores.height
  const best = new Float32Array(pixels).fill(-Infinity)
  const winners = new Uint16Array(pixels)
  // Class-major order walks the logits contiguously.
  for (let k = 0, base = 0; k < scores.count; k++, base += pixels) {
    for (let p = 0; p < pixels; p++) {
      const logit = scores.scores[base + p] as number
      if (logit > (best[p] as number)) {
        best[p] = logit
        winners[p] = k
      }
    }
  }
  return winners
}
