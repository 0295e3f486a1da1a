/**
 * The heads as ONNX bytes, built here so no generated model file has to ship. Both start with
 * scores[K, P] = Gemm(queries[K, D], embeddings[P, D]ᵀ, bias[K, 1]); K, P and D are dynamic, so one
 * session serves text queries, class heads and the 3 PCA axes. The class head adds, per pixel, the
 * best row (ArgMax) and its score (ReduceMax), so K×P scores never leave the worker for a class map.
 */
import { elemFloat, elemInt64, intAttribute, intsAttribute, modelBytes, node, tensorInfo } from './onnx-proto'

export const headNames = {
  queries: 'queries',
  embeddings: 'embeddings',
  bias: 'bias',
  scores: 'scores',
  classIndex: 'class_index',
  bestScore: 'best_score',
} as const

const n = headNames
const inputs = () => [
  tensorInfo(n.queries, elemFloat, ['K', 'D']),
  tensorInfo(n.embeddings, elemFloat, ['P', 'D']),
  tensorInfo(n.bias, elemFloat, ['K', 'one']),
]
const gemm = () => node('Gemm', [n.queries, n.embeddings, n.bias], [n.scores], [intAttribute('transB', 1)])

/** scores [K, P]. */
export function scoreGraphBytes(): Uint8Array {
  return modelBytes('dve_score_head', [gemm()], inputs(), [tensorInfo(n.scores, elemFloat, ['K', 'P'])])
}

/** class_index [P] (int64) and best_score [P]: the argmax over the K rows and its score. */
export function classGraphBytes(): Uint8Array {
  return modelBytes(
    'dve_class_head',
    [
      gemm(),
      node('ArgMax', [n.scores], [n.classIndex], [intAttribute('axis', 0), intAttribute('keepdims', 0)]),
      node('ReduceMax', [n.scores], [n.bestScore], [intsAttribute('axes', [0]), intAttribute('keepdims', 0)]),
    ],
    inputs(),
    [tensorInfo(n.classIndex, elemInt64, ['P']), tensorInfo(n.bestScore, elemFloat, ['P'])],
  )
}
