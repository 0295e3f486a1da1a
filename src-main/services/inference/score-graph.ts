/**
 * The heads as ONNX bytes, built here so no generated model file has to ship. Both start with
 * scores[K, P] = Gemm(queries[K, D], embeddings[P, D]ᵀ, bias[K, 1]); K, P and D are dynamic, so one
 * session serves text queries, class heads and the 3 PCA axes. The class head adds, per pixel, the
 * best row (ArgMax) and its score (ReduceMax), so K×P scores never leave the worker for a class map.
 * Each comes for float32 embeddings and for the cache's fp16 ones, which the graph casts to float32
 * (exactly the values a table decode gives) so the worker never holds a float32 copy of a map.
 */
import {
  elemFloat,
  elemFloat16,
  elemInt64,
  intAttribute,
  intsAttribute,
  modelBytes,
  node,
  tensorInfo,
} from './onnx-proto'

/** How the embeddings input is stored. */
export type EmbeddingsElement = 'float32' | 'float16'

export const headNames = {
  queries: 'queries',
  embeddings: 'embeddings',
  bias: 'bias',
  scores: 'scores',
  classIndex: 'class_index',
  bestScore: 'best_score',
} as const

const n = headNames
const inputs = (element: EmbeddingsElement) => [
  tensorInfo(n.queries, elemFloat, ['K', 'D']),
  tensorInfo(n.embeddings, element === 'float16' ? elemFloat16 : elemFloat, ['P', 'D']),
  tensorInfo(n.bias, elemFloat, ['K', 'one']),
]
const gemm = (element: EmbeddingsElement) =>
  element === 'float16'
    ? [
        node('Cast', [n.embeddings], ['embeddings_f32'], [intAttribute('to', elemFloat)]),
        node('Gemm', [n.queries, 'embeddings_f32', n.bias], [n.scores], [intAttribute('transB', 1)]),
      ]
    : [node('Gemm', [n.queries, n.embeddings, n.bias], [n.scores], [intAttribute('transB', 1)])]

/** scores [K, P]. */
export function scoreGraphBytes(element: EmbeddingsElement = 'float32'): Uint8Array {
  return modelBytes(`dve_score_head_${element}`, gemm(element), inputs(element), [
    tensorInfo(n.scores, elemFloat, ['K', 'P']),
  ])
}

/** class_index [P] (int64) and best_score [P]: the argmax over the K rows and its score. */
export function classGraphBytes(element: EmbeddingsElement = 'float32'): Uint8Array {
  return modelBytes(
    `dve_class_head_${element}`,
    [
      ...gemm(element),
      node('ArgMax', [n.scores], [n.classIndex], [intAttribute('axis', 0), intAttribute('keepdims', 0)]),
      node('ReduceMax', [n.scores], [n.bestScore], [intsAttribute('axes', [0]), intAttribute('keepdims', 0)]),
    ],
    inputs(element),
    [tensorInfo(n.classIndex, elemInt64, ['P']), tensorInfo(n.bestScore, elemFloat, ['P'])],
  )
}
