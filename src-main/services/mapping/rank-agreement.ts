/** How well one ranking of voxels agrees with another: Spearman's ρ and the overlap of the top k. */
export function rankAgreement(
  exact: Float32Array,
  approx: Float32Array,
  k: number,
): { spearman: number; topOverlap: number } {
  const rankExact = ranks(exact)
  const rankApprox = ranks(approx)
  const n = exact.length
  let sumSq = 0
  for (let i = 0; i < n; i++) sumSq += (rankExact[i]! - rankApprox[i]!) ** 2
  const spearman = 1 - (6 * sumSq) / (n * (n * n - 1))
  const top = (values: Float32Array): Set<number> =>
    new Set([...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, k))
  const a = top(exact)
  const b = top(approx)
  let shared = 0
  for (const i of a) if (b.has(i)) shared++
  return { spearman, topOverlap: shared / k }
}

function ranks(values: Float32Array): Float64Array {
  const order = [...values.keys()].sort((a, b) => values[a]! - values[b]!)
  const out = new Float64Array(values.length)
  order.forEach((index, rank) => {
    out[index] = rank
  })
  return out
}
