/** Colour by class set: each voxel's best class of a class head, scored on its embedding code. */
import type { ClassHead } from '../ports'
import type { LoadedMap } from './loaded-map'

export function bestClassPerVoxel(loaded: LoadedMap, head: ClassHead): { best: Uint16Array; counts: number[] } {
  const n = loaded.map.count
  const best = new Uint16Array(n)
  const bestScore = new Float32Array(n).fill(-Infinity)
  const scores = new Float32Array(n)
  head.weights.forEach((row, c) => {
    // cosines() is row · voxel / |voxel|: a cosine for unit rows, the probe's logit for raw weights.
    loaded.cosines(row, scores)
    const bias = head.bias ? head.bias[c]! : 0
    for (let i = 0; i < n; i++) {
      const s = scores[i]! + bias
      if (s > bestScore[i]!) {
        bestScore[i] = s
        best[i] = c
      }
    }
  })
  const counts = head.names.map(() => 0)
  for (const c of best) counts[c]!++
  return { best, counts }
}
