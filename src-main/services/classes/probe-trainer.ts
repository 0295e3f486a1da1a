/**
 * Softmax linear probe (C × D weights plus a bias) on L2-normalised embeddings, as the paper's
 * linear-probing head: rows initialised from the class means, cross-entropy with median-frequency
 * class weights, AdamW, and a stratified held-out split for accuracy and per-class confidence.
 * Pure computation: runs in the native-work process, and directly in tests and the benchmark.
 */
import { ConsoleError, type ProbeStatus } from '../../contract'
import { seededRandom } from '../seeded-random'

export interface ProbeTrainingData {
  dim: number
  classCount: number
  /** N rows of `dim`, L2-normalised, row-major. */
  embeddings: Float32Array
  /** 0-based class per row. */
  labels: Uint16Array
}

export interface ProbeTrainingOptions {
  epochs: number
  learningRate: number
  weightDecay: number
  batchSize: number
  /** Share of each class's pixels held out (classes with fewer than 5 pixels keep all for training). */
  heldOutFraction: number
  seed: number
}

export const defaultProbeOptions: ProbeTrainingOptions = {
  epochs: 6,
  learningRate: 0.05,
  weightDecay: 1e-4,
  batchSize: 4096,
  heldOutFraction: 0.2,
  seed: 1,
}

/** The trained rows plus what the probe status reports about the run. */
export type ProbeTrainingResult = Pick<
  ProbeStatus,
  'lossCurve' | 'heldOutAccuracy' | 'perClassConfidence' | 'pixelsPerClass' | 'trainPixels' | 'heldOutPixels'
> & {
  /** C × D row-major. */
  weights: Float32Array
  bias: Float32Array
}

/**
 * The two big products of a step, done by a BLAS (ORT in the native-work process): probabilities
 * P[n, C] = softmax(X Wᵀ + b) and the weight gradient Gᵀ X [C, D].
 */
export interface ProbeMath {
  probabilities(
    x: Float32Array,
    rows: number,
    dim: number,
    weights: Float32Array,
    bias: Float32Array,
    classCount: number,
  ): Promise<Float32Array>
  weightGradient(g: Float32Array, x: Float32Array, rows: number, dim: number, classCount: number): Promise<Float32Array>
}

export async function trainProbe(
  data: ProbeTrainingData,
  options: ProbeTrainingOptions,
  math: ProbeMath,
  onEpoch?: (epoch: number, loss: number) => void,
  /** Checked between batches: cancelling never interrupts a native call. */
  signal?: AbortSignal,
): Promise<ProbeTrainingResult> {
  const { dim, classCount: C, embeddings: x, labels } = data
  const random = seededRandom(options.seed)
  const { train, heldOut, pixelsPerClass } = splitStratified(labels, C, options.heldOutFraction, random)
  const classWeight = medianFrequencyWeights(pixelsPerClass)

  const weights = classMeans(x, labels, train, dim, C)
  const bias = new Float32Array(C)
  const adam = new AdamW(weights.length, C, options)
  const lossCurve: number[] = []
  // Shuffled once into one contiguous block, so every batch is a view; epochs shuffle batch order.
  shuffle(train, random)
  const trainX = new Float32Array(train.length * dim)
  gatherRows(trainX, x, train, dim)
  const batchCount = Math.ceil(train.length / options.batchSize)
  const batchOrder = Uint32Array.from({ length: batchCount }, (_, b) => b)

  for (let epoch = 0; epoch < options.epochs && train.length > 0; epoch++) {
    shuffle(batchOrder, random)
    let lossSum = 0
    let weightSum = 0
    for (const b of batchOrder) {
      if (signal?.aborted)
        throw new ConsoleError('cancelled', `Probe training cancelled after ${epoch} epoch${epoch === 1 ? '' : 's'}.`)
      const start = b * options.batchSize
      const rows = train.subarray(start, Math.min(train.length, start + options.batchSize))
      const batch = trainX.subarray(start * dim, (start + rows.length) * dim)
      const p = await math.probabilities(batch, rows.length, dim, weights, bias, C)
      let batchWeight = 0
      for (const i of rows) batchWeight += classWeight[labels[i] as number] as number
      // g = w_y (p − onehot_y) / Σw: the gradient of the weighted mean cross-entropy w.r.t. the logits.
      const g = new Float32Array(rows.length * C)
      const gradBias = new Float32Array(C)
      rows.forEach((i, r) => {
        const y = labels[i] as number
        const w = classWeight[y] as number
        lossSum -= w * Math.log(Math.max(1e-12, p[r * C + y] as number))
        weightSum += w
        for (let c = 0; c < C; c++) {
          const value = (w / batchWeight) * ((p[r * C + c] as number) - (c === y ? 1 : 0))
          g[r * C + c] = value
          gradBias[c] = (gradBias[c] as number) + value
        }
      })
      adam.step(weights, bias, await math.weightGradient(g, batch, rows.length, dim, C), gradBias)
    }
    const loss = weightSum > 0 ? lossSum / weightSum : 0
    lossCurve.push(loss)
    onEpoch?.(epoch, loss)
  }

  // Held-out accuracy and mean softmax probability of the true class, per class.
  let correct = 0
  const confidenceSum = new Float64Array(C)
  const heldOutCount = new Float64Array(C)
  if (heldOut.length > 0) {
    const held = new Float32Array(heldOut.length * dim)
    gatherRows(held, x, heldOut, dim)
    const p = await math.probabilities(held, heldOut.length, dim, weights, bias, C)
    heldOut.forEach((i, r) => {
      const y = labels[i] as number
      let best = 0
      for (let c = 1; c < C; c++) if ((p[r * C + c] as number) > (p[r * C + best] as number)) best = c
      if (best === y) correct++
      confidenceSum[y] = (confidenceSum[y] as number) + (p[r * C + y] as number)
      heldOutCount[y] = (heldOutCount[y] as number) + 1
    })
  }
  return {
    weights,
    bias,
    lossCurve,
    heldOutAccuracy: heldOut.length > 0 ? correct / heldOut.length : null,
    perClassConfidence: Array.from(confidenceSum, (s, c) =>
      (heldOutCount[c] as number) > 0 ? s / (heldOutCount[c] as number) : null,
    ),
    pixelsPerClass,
    trainPixels: train.length,
    heldOutPixels: heldOut.length,
  }
}

function gatherRows(out: Float32Array, x: Float32Array, rows: Uint32Array, dim: number): void {
  rows.forEach((i, r) => out.set(x.subarray(i * dim, (i + 1) * dim), r * dim))
}

/** Normalised mean of each class's rows (zero row for a class without pixels). */
export function classMeans(
  x: Float32Array,
  labels: Uint16Array,
  rows: ArrayLike<number>,
  dim: number,
  C: number,
): Float32Array {
  const sums = new Float64Array(C * dim)
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number
    const base = (labels[i] as number) * dim
    for (let d = 0; d < dim; d++) sums[base + d] = (sums[base + d] as number) + (x[i * dim + d] as number)
  }
  const out = new Float32Array(C * dim)
  for (let c = 0; c < C; c++) {
    let norm = 0
    for (let d = 0; d < dim; d++) norm += (sums[c * dim + d] as number) ** 2
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let d = 0; d < dim; d++) out[c * dim + d] = (sums[c * dim + d] as number) * s
  }
  return out
}

/** Median-frequency balancing: weight_c = median(freq) / freq_c over classes that have pixels. */
export function medianFrequencyWeights(pixelsPerClass: number[]): Float64Array {
  const present = pixelsPerClass.filter((n) => n > 0).sort((a, b) => a - b)
  const median = present.length
    ? ((present[Math.floor((present.length - 1) / 2)] as number) +
        (present[Math.ceil((present.length - 1) / 2)] as number)) /
      2
    : 1
  return Float64Array.from(pixelsPerClass, (n) => (n > 0 ? median / n : 0))
}

function splitStratified(
  labels: Uint16Array,
  C: number,
  fraction: number,
  random: () => number,
): { train: Uint32Array; heldOut: Uint32Array; pixelsPerClass: number[] } {
  const byClass: number[][] = Array.from({ length: C }, () => [])
  labels.forEach((y, i) => byClass[y]?.push(i))
  const train: number[] = []
  const heldOut: number[] = []
  for (const rows of byClass) {
    const held = rows.length >= 5 ? Math.floor(rows.length * fraction) : 0
    const order = Uint32Array.from(rows)
    shuffle(order, random)
    order.forEach((i, k) => (k < held ? heldOut : train).push(i))
  }
  return {
    train: Uint32Array.from(train),
    heldOut: Uint32Array.from(heldOut),
    pixelsPerClass: byClass.map((r) => r.length),
  }
}

/** AdamW over the weights followed by the biases (decay on the weights only). */
class AdamW {
  private readonly m: Float32Array
  private readonly v: Float32Array
  private t = 0
  constructor(
    weightCount: number,
    biasCount: number,
    private readonly options: ProbeTrainingOptions,
  ) {
    this.m = new Float32Array(weightCount + biasCount)
    this.v = new Float32Array(weightCount + biasCount)
  }

  step(weights: Float32Array, bias: Float32Array, gradWeights: Float32Array, gradBias: Float32Array): void {
    const beta1 = 0.9,
      beta2 = 0.999,
      eps = 1e-8
    const { learningRate: lr, weightDecay } = this.options
    this.t++
    const c1 = 1 - beta1 ** this.t
    const c2 = 1 - beta2 ** this.t
    const nWeights = weights.length
    for (let j = 0; j < this.m.length; j++) {
      const g = (j < nWeights ? gradWeights[j] : gradBias[j - nWeights]) as number
      const m = beta1 * (this.m[j] as number) + (1 - beta1) * g
      const v = beta2 * (this.v[j] as number) + (1 - beta2) * g * g
      this.m[j] = m
      this.v[j] = v
      const update = (lr * (m / c1)) / (Math.sqrt(v / c2) + eps)
      if (j < nWeights) weights[j] = (weights[j] as number) * (1 - lr * weightDecay) - update
      else bias[j - nWeights] = (bias[j - nWeights] as number) - update
    }
  }
}

function shuffle(values: Uint32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = values[i] as number
    values[i] = values[j] as number
    values[j] = t
  }
}
