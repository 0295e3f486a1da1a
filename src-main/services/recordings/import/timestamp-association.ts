/** Nearest-timestamp association (as TUM's associate.py): one-to-one, closest pairs first. */

/** Index of the value in ascending `sorted` closest to `t`. */
export function nearestIndex(sorted: readonly number[], t: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo > 0 && Math.abs(sorted[lo - 1]! - t) <= Math.abs(sorted[lo]! - t) ? lo - 1 : lo
}

/**
 * Pairs indices of `a` and `b` (both ascending) whose times differ by at most `tolerance`; each
 * index is used once, closer pairs win. Result is in `a` order.
 */
export function associateOneToOne(
  a: readonly number[],
  b: readonly number[],
  tolerance: number,
): Array<[number, number]> {
  if (b.length === 0) return []
  const candidates: Array<[number, number, number]> = []
  a.forEach((t, ai) => {
    const bi = nearestIndex(b, t)
    for (const j of [bi - 1, bi, bi + 1]) {
      const diff = j >= 0 && j < b.length ? Math.abs(b[j]! - t) : Infinity
      if (diff <= tolerance) candidates.push([ai, j, diff])
    }
  })
  candidates.sort((x, y) => x[2] - y[2])
  const usedA = new Set<number>()
  const usedB = new Set<number>()
  const pairs: Array<[number, number]> = []
  for (const [ai, bi] of candidates) {
    if (usedA.has(ai) || usedB.has(bi)) continue
    usedA.add(ai)
    usedB.add(bi)
    pairs.push([ai, bi])
  }
  return pairs.sort((x, y) => x[0] - y[0])
}
