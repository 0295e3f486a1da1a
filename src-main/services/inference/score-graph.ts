/**
 * The heads as ONNX bytes, built here so no generated model file has to ship. Both start with
 * scores[K, P] = Gemm(queries[K, D], embeddings[P, D]ᵀ, bias[K, 1]); K, P and D are dynamic, so one
 * session serves text queries, class heads and the 3 PCA axes. The class head adds, per pixel, the
 * best row (ArgMax) and its score (ReduceMax), so K×P scores never leave the worker for a class map.
 * Only the protobuf fields ONNX needs are written (field numbers from onnx/onnx.proto).
 */

export const headNames = {
  queries: 'queries', embeddings: 'embeddings', bias: 'bias', scores: 'scores', classIndex: 'class_index', bestScore: 'best_score',
} as const

const wireVarint = 0
const wireBytes = 2
const elemFloat = 1
const elemInt64 = 7
const attributeInt = 2
const attributeInts = 7

function varint(value: number): number[] {
  const bytes: number[] = []
  let v = value
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  bytes.push(v)
  return bytes
}

function key(field: number, wire: number): number[] {
  return varint((field << 3) | wire)
}

function intField(field: number, value: number): number[] {
  return [...key(field, wireVarint), ...varint(value)]
}

function bytesField(field: number, payload: number[] | string): number[] {
  const bytes = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload
  return [...key(field, wireBytes), ...varint(bytes.length), ...bytes]
}

/** ValueInfoProto of a tensor with symbolic dims. */
function tensorInfo(name: string, elemType: number, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, bytesField(2, d))) // TensorShapeProto.dim { dim_param }
  const tensorType = [...intField(1, elemType), ...bytesField(2, shape)] // TypeProto.Tensor
  return [...bytesField(1, name), ...bytesField(2, bytesField(1, tensorType))] // ValueInfoProto { name, type { tensor_type } }
}

function intAttribute(name: string, value: number): number[] {
  return [...bytesField(1, name), ...intField(3, value), ...intField(20, attributeInt)]
}

function intsAttribute(name: string, values: number[]): number[] {
  return [...bytesField(1, name), ...values.flatMap((v) => intField(8, v)), ...intField(20, attributeInts)]
}

function node(op: string, inputs: string[], outputs: string[], attributes: number[][] = []): number[] {
  return [
    ...inputs.flatMap((i) => bytesField(1, i)), ...outputs.flatMap((o) => bytesField(2, o)),
    ...bytesField(3, `${op}_${outputs[0]}`), ...bytesField(4, op), ...attributes.flatMap((a) => bytesField(5, a)),
  ]
}

function model(nodes: number[][], outputs: number[][]): Uint8Array {
  const n = headNames
  const graph = [
    ...nodes.flatMap((x) => bytesField(1, x)),
    ...bytesField(2, 'dve_head'),
    ...bytesField(11, tensorInfo(n.queries, elemFloat, ['K', 'D'])),
    ...bytesField(11, tensorInfo(n.embeddings, elemFloat, ['P', 'D'])),
    ...bytesField(11, tensorInfo(n.bias, elemFloat, ['K', 'one'])),
    ...outputs.flatMap((o) => bytesField(12, o)),
  ]
  return Uint8Array.from([
    ...intField(1, 7), // ir_version
    ...bytesField(2, 'dve-console'),
    ...bytesField(7, graph),
    ...bytesField(8, intField(2, 13)), // opset_import { version 13 }, default domain
  ])
}

const gemm = () => node('Gemm', [headNames.queries, headNames.embeddings, headNames.bias], [headNames.scores], [intAttribute('transB', 1)])

/** scores [K, P]. */
export function scoreGraphBytes(): Uint8Array {
  return model([gemm()], [tensorInfo(headNames.scores, elemFloat, ['K', 'P'])])
}

/** class_index [P] (int64) and best_score [P]: the argmax over the K rows and its score. */
export function classGraphBytes(): Uint8Array {
  const n = headNames
  return model(
    [
      gemm(),
      node('ArgMax', [n.scores], [n.classIndex], [intAttribute('axis', 0), intAttribute('keepdims', 0)]),
      node('ReduceMax', [n.scores], [n.bestScore], [intsAttribute('axes', [0]), intAttribute('keepdims', 0)]),
    ],
    [tensorInfo(n.classIndex, elemInt64, ['P']), tensorInfo(n.bestScore, elemFloat, ['P'])],
  )
}
