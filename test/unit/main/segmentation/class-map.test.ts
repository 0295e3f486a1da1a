import { describe, expect, it } from 'vitest'
import type { ScoreMaps } from '../../../../src-main/services/ports'
import { classifyTop2 } from '../../../../src-main/services/segmentation/top2-classifier'
import { upsampledClassMap } from '../../../../src-main/services/segmentation/upsampled-class-map'

function randomScores(count: number, width: number, height: number, seed: number): ScoreMaps {
  let state = seed
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
  return {
    count,
    width,
    height,
    scaleX: 4,
    scaleY: 4,
    scores: Float32Array.from({ length: count * width * height }, next),
  }
}

/** torch.nn.functional.interpolate(mode='bilinear', align_corners=False) of one plane, written out the slow way. */
function referenceUpsample(
  plane: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const out = new Float32Array(outWidth * outHeight)
  const source = (i: number, scale: number, size: number) => {
    const s = Math.max(0, (i + 0.5) * scale - 0.5)
    const i0 = Math.min(size - 1, Math.floor(s))
    return { i0, i1: Math.min(size - 1, i0 + 1), t: s - i0 }
  }
  for (let y = 0; y < outHeight; y++) {
    const sy = source(y, height / outHeight, height)
    for (let x = 0; x < outWidth; x++) {
      const sx = source(x, width / outWidth, width)
      const at = (yy: number, xx: number) => plane[yy * width + xx] as number
      const top = at(sy.i0, sx.i0) * (1 - sx.t) + at(sy.i0, sx.i1) * sx.t
      const bottom = at(sy.i1, sx.i0) * (1 - sx.t) + at(sy.i1, sx.i1) * sx.t
      out[y * outWidth + x] = top * (1 - sy.t) + bottom * sy.t
    }
  }
  return out
}

describe('classifyTop2', () => {
  it('picks winner and runner-up with softmax scores over the logits, and the winner cosine without its bias', () => {
    const scores = randomScores(5, 7, 3, 11)
    const bias = Float32Array.from([0.1, -0.2, 0.3, 0, 0.05])
    const top2 = classifyTop2(scores, bias)
    const pixels = 21
    for (let p = 0; p < pixels; p++) {
      const logits = Array.from({ length: 5 }, (_, k) => scores.scores[k * pixels + p] as number)
      const order = logits.map((v, k) => ({ v, k })).sort((a, b) => b.v - a.v)
      const sum = logits.reduce((s, v) => s + Math.exp(v), 0)
      expect(top2.winner[p]).toBe(order[0]?.k)
      expect(top2.runnerUp[p]).toBe(order[1]?.k)
      expect(top2.winnerScore[p]).toBeCloseTo(Math.exp(order[0]?.v ?? 0) / sum, 5)
      expect(top2.runnerUpScore[p]).toBeCloseTo(Math.exp(order[1]?.v ?? 0) / sum, 5)
      expect(top2.winnerCosine[p]).toBeCloseTo((order[0]?.v ?? 0) - (bias[order[0]?.k ?? 0] as number), 5)
    }
  })

  it('handles a single class (runner-up score 0)', () => {
    const top2 = classifyTop2(randomScores(1, 2, 2, 3), null)
    expect([...top2.winner]).toEqual([0, 0, 0, 0])
    expect([...top2.winnerScore]).toEqual([1, 1, 1, 1])
    expect([...top2.runnerUpScore]).toEqual([0, 0, 0, 0])
  })
})

describe('upsampledClassMap', () => {
  it('is the argmax of bilinearly upsampled logits (align_corners=False), not of the stride decision', async () => {
    const scores = randomScores(4, 9, 6, 5)
    const outWidth = 36,
      outHeight = 24
    const planes = Array.from({ length: 4 }, (_, k) =>
      referenceUpsample(scores.scores.subarray(k * 54, (k + 1) * 54), 9, 6, outWidth, outHeight),
    )
    const expected = Array.from({ length: outWidth * outHeight }, (_, i) => {
      let best = 0
      for (let k = 1; k < 4; k++) if ((planes[k]?.[i] as number) > (planes[best]?.[i] as number)) best = k
      return best
    })
    const map = await upsampledClassMap(scores, outWidth, outHeight)
    expect([...map]).toEqual(expected)
    // Smooth borders: some camera pixels disagree with the nearest stride pixel's decision.
    const stride = classifyTop2(scores, null).winner
    const nearest = expected.map(
      (_, i) => stride[Math.floor(Math.floor(i / outWidth) / 4) * 9 + Math.floor((i % outWidth) / 4)],
    )
    expect(expected.some((k, i) => k !== nearest[i])).toBe(true)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(upsampledClassMap(randomScores(2, 16, 16, 1), 64, 128, controller.signal)).rejects.toThrow()
  })
})
