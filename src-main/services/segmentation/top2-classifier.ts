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
  for (let p = 0; p < pixels; p++) {
    let best = 0
    let second = count > 1 ? 1 : 0
    let bestLogit = -Infinity
    let secondLogit = -Infinity
    for (let k = 0; k < count; k++) {
      const logit = logits[k * pixels + p] as number
      if (logit > bestLogit) {
        second = best; secondLogit = bestLogit
        best = k; bestLogit = logit
      } else if (logit > secondLogit) {
        second = k; secondLogit = logit
      }
    }
    // Softmax denominator relative to the best logit, so exp never overflows.
    let sum = 0
    for (let k = 0; k < count; k++) sum += Math.exp((logits[k * pixels + p] as number) - bestLogit)
    winner[p] = best
    runnerUp[p] = second
    winnerScore[p] = 1 / sum
    runnerUpScore[p] = count > 1 ? Math.exp(secondLogit - bestLogit) / sum : 0
    winnerCosine[p] = bestLogit - (bias ? (bias[best] as number) : 0)
  }
  return { width, height, classCount: count, winner, runnerUp, winnerScore, runnerUpScore, winnerCosine }
}
