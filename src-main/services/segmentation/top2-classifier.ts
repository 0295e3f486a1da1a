/**
 * Per-pixel decision at the model's output stride, as the reference postprocessing makes it
 * (facts §2.5): logits are the scores (cosine, plus the probe's bias), softmax over classes with no
 * temperature, argmax. Keeps the runner-up for hover read-outs and the winner's raw cosine, since a
 * softmax of cosines in [−1, 1] is nearly flat and says little on its own.
 */
import type { ScoreMaps } from '../ports'

export interface Top2Planes {
  width: number
  height: number
  classCount: number
  winner: Uint16Array
  runnerUp: Uint16Array
  /** Softmax probabilities of the winner and runner-up. */
  winnerScore: Float32Array
  runnerUpScore: Float32Array
  /** The winner's logit without its bias: the cosine for text and mean heads. */
  winnerCosine: Float32Array
}

export function classifyTop2(scores: ScoreMaps, bias: Float32Array | null): Top2Planes {
  const { width, height, count } = scores
  const pixels = width * height
  const winner = new Uint16Array(pixels)
  const runnerUp = new Uint16Array(pixels)
  const winnerScore = new Float32Array(pixels)
  const runnerUpScore = new Float32Array(pixels)
  const winnerCosine = new Float32Array(pixels)
  const logits = scores.scores
  const bestLogit = new Float32Array(pixels).fill(-Infinity)
  const secondLogit = new Float32Array(pixels).fill(-Infinity)
  if (count > 1) runnerUp.fill(1)
  // Class-major passes walk the logits contiguously (pixel-major would stride by a whole plane).
  for (let k = 0, base = 0; k < count; k++, base += pixels) {
    for (let p = 0; p < pixels; p++) {
      const logit = logits[base + p] as number
      if (logit > (bestLogit[p] as number)) {
        secondLogit[p] = bestLogit[p] as number
        runnerUp[p] = winner[p] as number
        bestLogit[p] = logit
        winner[p] = k
      } else if (logit > (secondLogit[p] as number)) {
        secondLogit[p] = logit
        runnerUp[p] = k
      }
    }
  }
  // Softmax denominators relative to the best logit, so exp never overflows.
  const sums = new Float32Array(pixels)
  for (let k = 0, base = 0; k < count; k++, base += pixels) {
    for (let p = 0; p < pixels; p++)
      sums[p] = (sums[p] as number) + Math.exp((logits[base + p] as number) - (bestLogit[p] as number))
  }
  for (let p = 0; p < pixels; p++) {
    const sum = sums[p] as number
    winnerScore[p] = 1 / sum
    runnerUpScore[p] = count > 1 ? Math.exp((secondLogit[p] as number) - (bestLogit[p] as number)) / sum : 0
    winnerCosine[p] = (bestLogit[p] as number) - (bias ? (bias[winner[p] as number] as number) : 0)
  }
  return { width, height, classCount: count, winner, runnerUp, winnerScore, runnerUpScore, winnerCosine }
}
