import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OrtProbeMath } from '../../../../src-main/services/classes/ort-probe-math'
import {
  defaultProbeOptions,
  medianFrequencyWeights,
  trainProbe,
  type ProbeTrainingData,
} from '../../../../src-main/services/classes/probe-trainer'
import { seededRandom } from '../../../../src-main/services/seeded-random'

/** Unit-norm Gaussian clusters around C random unit directions; `counts` pixels per class. */
function clusters(
  C: number,
  dim: number,
  counts: number[],
  noise: number,
  seed: number,
): { data: ProbeTrainingData; centres: Float32Array[] } {
  const random = seededRandom(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v)
    return v.map((x) => x / n)
  }
  const centres = Array.from({ length: C }, () => unit(Float32Array.from({ length: dim }, gauss)))
  const n = counts.reduce((a, b) => a + b, 0)
  const embeddings = new Float32Array(n * dim)
  const labels = new Uint16Array(n)
  let row = 0
  counts.forEach((count, c) => {
    for (let k = 0; k < count; k++, row++) {
      const centre = centres[c] as Float32Array
      embeddings.set(unit(Float32Array.from(centre, (x) => x + noise * gauss())), row * dim)
      labels[row] = c
    }
  })
  return { data: { dim, classCount: C, embeddings, labels }, centres }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number)
  return dot / (Math.hypot(...a) * Math.hypot(...b))
}

describe('probe trainer', () => {
  let math: OrtProbeMath
  beforeAll(async () => {
    math = await OrtProbeMath.create(1)
  })
  afterAll(async () => {
    await math.release()
  })

  it('separates Gaussian clusters and aligns each row with its class direction', async () => {
    const C = 5
    const dim = 32
    const { data, centres } = clusters(C, dim, [400, 300, 200, 150, 100], 0.12, 7)
    const epochs: number[] = []
    const result = await trainProbe(data, { ...defaultProbeOptions, epochs: 5 }, math, (e) => epochs.push(e))
    expect(epochs).toEqual([0, 1, 2, 3, 4])
    expect(result.heldOutAccuracy).toBeGreaterThan(0.98)
    expect(result.heldOutPixels).toBe(80 + 60 + 40 + 30 + 20)
    expect(result.pixelsPerClass).toEqual([400, 300, 200, 150, 100])
    for (let c = 0; c < C; c++) {
      const row = result.weights.subarray(c * dim, (c + 1) * dim)
      const own = cosine(row, centres[c] as Float32Array)
      expect(own).toBeGreaterThan(0.8)
      for (let o = 0; o < C; o++) if (o !== c) expect(own).toBeGreaterThan(cosine(row, centres[o] as Float32Array))
      expect(result.perClassConfidence[c]).toBeGreaterThan(0.5)
    }
    expect(result.lossCurve.at(-1)).toBeLessThan(result.lossCurve[0] as number)
  })

  it('lowers the loss of the class means it starts from on overlapping clusters', async () => {
    const { data } = clusters(3, 16, [300, 300, 300], 0.5, 11)
    const oneEpoch = await trainProbe(data, { ...defaultProbeOptions, epochs: 1, learningRate: 1e-9 }, math)
    const trained = await trainProbe(data, { ...defaultProbeOptions, epochs: 20 }, math)
    expect(trained.lossCurve.at(-1)).toBeLessThan(oneEpoch.lossCurve[0] as number)
    expect(trained.heldOutAccuracy).toBeGreaterThan(0.7)
  })

  it('weights classes by median frequency', () => {
    expect(Array.from(medianFrequencyWeights([100, 0, 400, 200]))).toEqual([2, 0, 0.5, 1])
  })

  it('holds nothing out of classes with fewer than five pixels', async () => {
    const { data } = clusters(2, 8, [4, 50], 0.1, 3)
    const result = await trainProbe(data, { ...defaultProbeOptions, epochs: 2 }, math)
    expect(result.perClassConfidence[0]).toBeNull()
    expect(result.heldOutPixels).toBe(10)
  })
})
