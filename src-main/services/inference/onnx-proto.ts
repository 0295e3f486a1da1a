/**
 * A minimal ONNX protobuf writer for the small graphs the console builds in code (heads, output
 * layout): only the fields those graphs use, field numbers from onnx/onnx.proto.
 */

export const wireVarint = 0
export const wireBytes = 2
export const elemFloat = 1
export const elemUint8 = 2
export const elemInt8 = 3
export const elemUint16 = 4
export const elemInt64 = 7
export const elemFloat16 = 10
const attributeInt = 2
const attributeInts = 7

export function varint(value: number): number[] {
  const bytes: number[] = []
  let v = value
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  bytes.push(v)
  return bytes
}

export function key(field: number, wire: number): number[] {
  return varint((field << 3) | wire)
}

function intField(field: number, value: number): number[] {
  return [...key(field, wireVarint), ...varint(value)]
}

function bytesField(field: number, payload: number[] | string): number[] {
  const bytes = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload
  return [...key(field, wireBytes), ...varint(bytes.length), ...bytes]
}

/** ValueInfoProto of a tensor; dims are fixed sizes or symbolic names. */
export function tensorInfo(name: string, elemType: number, dims: Array<string | number>): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : bytesField(2, d))) // TensorShapeProto.dim
  const tensorType = [...intField(1, elemType), ...bytesField(2, shape)] // TypeProto.Tensor
  return [...bytesField(1, name), ...bytesField(2, bytesField(1, tensorType))] // ValueInfoProto { name, type { tensor_type } }
}

export function intAttribute(name: string, value: number): number[] {
  return [...bytesField(1, name), ...intField(3, value), ...intField(20, attributeInt)]
}

export function intsAttribute(name: string, values: number[]): number[] {
  return [...bytesField(1, name), ...values.flatMap((v) => intField(8, v)), ...intField(20, attributeInts)]
}

export function node(op: string, inputs: string[], outputs: string[], attributes: number[][] = []): number[] {
  return [
    ...inputs.flatMap((i) => bytesField(1, i)),
    ...outputs.flatMap((o) => bytesField(2, o)),
    ...bytesField(3, `${op}_${outputs[0]}`),
    ...bytesField(4, op),
    ...attributes.flatMap((a) => bytesField(5, a)),
  ]
}

/** TensorProto (an initializer) with its values as raw little-endian bytes. */
export function tensorBytes(
  name: string,
  elemType: number,
  dims: number[],
  data: Float32Array | BigInt64Array,
): number[] {
  const raw = Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  return [
    ...dims.flatMap((d) => intField(1, d)),
    ...intField(2, elemType),
    ...bytesField(8, name),
    ...bytesField(9, raw),
  ]
}

/** ModelProto, IR 7, default-domain opset 13. */
export function modelBytes(
  name: string,
  nodes: number[][],
  inputs: number[][],
  outputs: number[][],
  initializers: number[][] = [],
): Uint8Array {
  const graph = [
    ...nodes.flatMap((x) => bytesField(1, x)),
    ...bytesField(2, name),
    ...initializers.flatMap((t) => bytesField(5, t)),
    ...inputs.flatMap((i) => bytesField(11, i)),
    ...outputs.flatMap((o) => bytesField(12, o)),
  ]
  return Uint8Array.from([
    ...intField(1, 7), // ir_version
    ...bytesField(2, 'dve-console'),
    ...bytesField(7, graph),
    ...bytesField(8, intField(2, 13)), // opset_import { version 13 }
  ])
}

/**
 * A ModelProto that holds only additions to a graph (nodes, initializers, outputs). Appended to a
 * model's bytes it merges into that model's graph: protobuf parses concatenated messages as one,
 * with repeated fields appended. The nodes must be valid in the model's opset.
 */
export function graphAdditionBytes(nodes: number[][], initializers: number[][], outputs: number[][]): Uint8Array {
  return Uint8Array.from(
    bytesField(7, [
      ...nodes.flatMap((x) => bytesField(1, x)),
      ...initializers.flatMap((t) => bytesField(5, t)),
      ...outputs.flatMap((o) => bytesField(12, o)),
    ]),
  )
}
