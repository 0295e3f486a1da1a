/**
 * The scoring head as ONNX bytes, built here so no generated model file has to ship:
 * scores[K, P] = Gemm(queries[K, D], embeddings[P, D]ᵀ, bias[K, 1]). K, P and D are dynamic, so one
 * session serves text queries, class heads and the 3 PCA axes. Only the few protobuf fields ONNX
 * needs are written (field numbers from onnx/onnx.proto).
 */

export const scoreGraphNames = { queries: 'queries', embeddings: 'embeddings', bias: 'bias', scores: 'scores' } as const

const wireVarint = 0
const wireBytes = 2
const elemFloat = 1
const attributeInt = 2

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

/** ValueInfoProto of a float tensor with symbolic dims. */
function floatTensor(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, bytesField(2, d))) // TensorShapeProto.dim { dim_param }
  const tensorType = [...intField(1, elemFloat), ...bytesField(2, shape)] // TypeProto.Tensor
  return [...bytesField(1, name), ...bytesField(2, bytesField(1, tensorType))] // ValueInfoProto { name, type { tensor_type } }
}

export function scoreGraphBytes(): Uint8Array {
  const n = scoreGraphNames
  const transB = [...bytesField(1, 'transB'), ...intField(3, 1), ...intField(20, attributeInt)]
  const node = [
    ...bytesField(1, n.queries), ...bytesField(1, n.embeddings), ...bytesField(1, n.bias),
    ...bytesField(2, n.scores), ...bytesField(3, 'score'), ...bytesField(4, 'Gemm'), ...bytesField(5, transB),
  ]
  const graph = [
    ...bytesField(1, node),
    ...bytesField(2, 'dve_score_head'),
    ...bytesField(11, floatTensor(n.queries, ['K', 'D'])),
    ...bytesField(11, floatTensor(n.embeddings, ['P', 'D'])),
    ...bytesField(11, floatTensor(n.bias, ['K', 'one'])),
    ...bytesField(12, floatTensor(n.scores, ['K', 'P'])),
  ]
  const model = [
    ...intField(1, 7), // ir_version
    ...bytesField(2, 'dve-console'),
    ...bytesField(7, graph),
    ...bytesField(8, intField(2, 13)), // opset_import { version 13 }, default domain
  ]
  return Uint8Array.from(model)
}
