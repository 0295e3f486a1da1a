/**
 * LERF-style relevancy: for each negative n, the pairwise softmax exp(T·q)/(exp(T·q)+exp(T·n)) of
 * the query cosine q against the negative's cosine n; the minimum over negatives is kept. That
 * minimum is always the pair with the largest negative cosine, so it reduces to one sigmoid:
 * σ(T·(q − max n)). 0.5 means "as close to the query as to the closest negative".
 */
export function relevancyOf(queryCosine: number, maxNegativeCosine: number, temperature: number): number {
  return 1 / (1 + Math.exp(-temperature * (queryCosine - maxNegativeCosine)))
}

/**
 * The relevancy of a group's best cell from its best margin (the largest q − max n over its cells; with
 * no negatives, its largest cosine): σ is monotone, so the best cell's relevancy is the best margin's.
 */
export function relevancyOfBest(bestMargin: number, hasNegatives: boolean, temperature: number): number {
  return hasNegatives ? relevancyOf(bestMargin, 0, temperature) : (bestMargin + 1) / 2
}

/** Cosine differences q − max n lie in [−2, 2]; the table samples σ there every 1/4096. */
export const relevancyTableStepsPerUnit = 4096
export const relevancyTableHalfWidth = 2
let table: { temperature: number; values: Float32Array } | null = null

/**
 * σ(T·x) sampled at x = k/4096 − 2 for k = 0 … 16 384, plus one entry past the end (so interpolating at
 * the last entry reads inside); relevancyInPlace and the map's fused scan interpolate it linearly.
 */
export function relevancyTable(temperature: number): Float32Array {
  if (table?.temperature !== temperature) {
    const values = new Float32Array(2 * relevancyTableHalfWidth * relevancyTableStepsPerUnit + 2)
    for (let k = 0; k < values.length; k++)
      values[k] = relevancyOf(k / relevancyTableStepsPerUnit - relevancyTableHalfWidth, 0, temperature)
    table = { temperature, values }
  }
  return table.values
}

/**
 * relevancyOf for a million values at once, in place (`queryCosines` becomes the relevancy): σ from
 * a table with linear interpolation, within 1e-5 of relevancyOf for temperatures up to 100 and
 * several times faster than Math.exp per value.
 */
export function relevancyInPlace(
  queryCosines: Float32Array,
  maxNegativeCosines: Float32Array,
  temperature: number,
): Float32Array {
  const values = relevancyTable(temperature)
  const last = values.length - 2
  for (let i = 0; i < queryCosines.length; i++) {
    const x = (queryCosines[i]! - maxNegativeCosines[i]! + relevancyTableHalfWidth) * relevancyTableStepsPerUnit
    if (!(x > 0)) queryCosines[i] = x === x ? values[0]! : Number.NaN
    else if (x >= last) queryCosines[i] = values[last]!
    else {
      const k = x | 0
      const a = values[k]!
      queryCosines[i] = a + (values[k + 1]! - a) * (x - k)
    }
  }
  return queryCosines
}

/**
 * Relevancy of `count` pixels from channel-major scores: row 0 is the query, rows 1.. the negatives
 * (`scores[k * count + i]`). Without negatives, relevancy is the cosine mapped from [−1, 1] to [0, 1].
 */
export function relevancyFromScores(
  scores: Float32Array,
  count: number,
  negatives: number,
  temperature: number,
): Float32Array {
  const relevancy = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    const query = scores[i] as number
    if (negatives === 0) {
      relevancy[i] = (query + 1) / 2
      continue
    }
    let maxNegative = -Infinity
    for (let k = 1; k <= negatives; k++) maxNegative = Math.max(maxNegative, scores[k * count + i] as number)
    relevancy[i] = relevancyOf(query, maxNegative, temperature)
  }
  return relevancy
}
