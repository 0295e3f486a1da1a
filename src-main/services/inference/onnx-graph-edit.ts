/**
 * Prepending a small graph to a model's ONNX bytes: some of the model's graph inputs are replaced by
 * the new graph's inputs and the new nodes compute them. Appending (`graphAdditionBytes`) needs no
 * parsing, but an input cannot be removed that way, so here the ModelProto's graph is read field by
 * field and written back with those inputs left out; everything else is copied byte for byte.
 */
import { key, varint, wireBytes, wireVarint } from './onnx-proto'

const wireFixed64 = 1
const wireFixed32 = 5
const modelGraphField = 7
const graphNodeField = 1
const graphInitializerField = 5
const graphInputField = 11
const valueInfoNameField = 1

interface Field {
  number: number
  wire: number
  /** The whole field, key included. */
  start: number
  end: number
  /** Length-delimited fields: their payload. */
  payloadStart: number
}

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0
  let scale = 1
  let pos = at
  for (;;) {
    if (pos >= bytes.length) throw new Error('a varint runs past the end')
    const byte = bytes[pos++] as number
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return { value, next: pos }
    scale *= 128
  }
}

function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start
  while (pos < end) {
    const fieldStart = pos
    const tag = readVarint(bytes, pos)
    const wire = tag.value % 8
    const number = Math.floor(tag.value / 8)
    pos = tag.next
    let payloadStart = pos
    if (wire === wireVarint) pos = readVarint(bytes, pos).next
    else if (wire === wireFixed64) pos += 8
    else if (wire === wireFixed32) pos += 4
    else if (wire === wireBytes) {
      const length = readVarint(bytes, pos)
      payloadStart = length.next
      pos = length.next + length.value
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${fieldStart}`)
    if (pos > end) throw new Error(`field ${number} at byte ${fieldStart} runs past its message`)
    yield { number, wire, start: fieldStart, end: pos, payloadStart }
  }
}

function valueInfoName(bytes: Uint8Array, field: Field): string | null {
  for (const inner of fields(bytes, field.payloadStart, field.end)) {
    if (inner.number === valueInfoNameField && inner.wire === wireBytes)
      return new TextDecoder().decode(bytes.subarray(inner.payloadStart, inner.end))
  }
  return null
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...key(field, wireBytes), ...varint(payload.byteLength)]), payload])
}

export interface GraphPrefix {
  /** The model's graph inputs the prefix computes (they stop being inputs). */
  replaces: string[]
  /** NodeProto, TensorProto and ValueInfoProto bytes (onnx-proto.ts). */
  nodes: number[][]
  initializers: number[][]
  inputs: number[][]
}

/**
 * The model with `prefix` in front: its nodes first (the graph stays topologically sorted), its inputs
 * in place of the replaced ones. A model whose graph field occurs more than once (an appended
 * addition) is handled: protobuf merges the occurrences, and the inputs are dropped from each.
 */
export function modelWithPrefix(model: Uint8Array, prefix: GraphPrefix): Uint8Array {
  const parts: Uint8Array[] = []
  const found = new Set<string>()
  let first = true
  for (const field of fields(model, 0, model.byteLength)) {
    if (field.number !== modelGraphField || field.wire !== wireBytes) {
      parts.push(model.subarray(field.start, field.end))
      continue
    }
    const graph: Uint8Array[] = []
    if (first) graph.push(...prefix.nodes.map((n) => lengthDelimited(graphNodeField, Uint8Array.from(n))))
    for (const inner of fields(model, field.payloadStart, field.end)) {
      const name = inner.number === graphInputField ? valueInfoName(model, inner) : null
      if (name !== null && prefix.replaces.includes(name)) found.add(name)
      else graph.push(model.subarray(inner.start, inner.end))
    }
    if (first) {
      graph.push(...prefix.initializers.map((t) => lengthDelimited(graphInitializerField, Uint8Array.from(t))))
      graph.push(...prefix.inputs.map((i) => lengthDelimited(graphInputField, Uint8Array.from(i))))
    }
    parts.push(lengthDelimited(modelGraphField, concat(graph)))
    first = false
  }
  const missing = prefix.replaces.filter((name) => !found.has(name))
  if (first) throw new Error('the model has no graph')
  if (missing.length) throw new Error(`the graph has no input ${missing.map((n) => `"${n}"`).join(', ')}`)
  return concat(parts)
}
