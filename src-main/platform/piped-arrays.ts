/**
 * Large typed arrays between the console and its native-work process over a byte pipe beside the
 * IPC channel. Node's IPC with advanced serialisation gathers a large message's chunks by
 * re-concatenating them as they arrive, so a 29 MB embedding map took ~250 ms to cross and a frame's
 * 2 MB of inputs ~20 ms; through a pipe each array is one copy into a buffer of its final size.
 * The message still crosses the IPC channel, each large array replaced by a slot; the pipe carries the
 * arrays' bytes in the same order, so the receiver pairs them by position, without ids.
 */
import type { Readable, Writable } from 'node:stream'

/** Arrays smaller than this stay in the message: the IPC channel carries them fine. */
const pipedMinBytes = 64 * 1024
const slotKey = '__dvePipedArray'
const envelopeKey = '__dvePipedMessage'

const arrayTypes = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
}
type ArrayTypeName = keyof typeof arrayTypes
type TypedArray = InstanceType<(typeof arrayTypes)[ArrayTypeName]>

interface Slot {
  [slotKey]: number
  type: ArrayTypeName
}
interface Envelope {
  [envelopeKey]: number[]
  body: unknown
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

function pipedType(value: unknown): ArrayTypeName | null {
  if (!ArrayBuffer.isView(value) || value.byteLength < pipedMinBytes) return null
  const name = value.constructor.name
  return name in arrayTypes ? (name as ArrayTypeName) : null
}

/** `value` with its large arrays replaced by slots (pushed to `parts` in order). */
function withSlots(value: unknown, parts: TypedArray[]): unknown {
  const type = pipedType(value)
  if (type) {
    parts.push(value as TypedArray)
    return { [slotKey]: parts.length - 1, type } satisfies Slot
  }
  if (Array.isArray(value)) return value.map((item) => withSlots(item, parts))
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSlots(item, parts)]))
  return value
}

function withArrays(value: unknown, parts: Uint8Array[]): unknown {
  if (isPlainObject(value) && typeof value[slotKey] === 'number') {
    const { [slotKey]: index, type } = value as unknown as Slot
    const bytes = parts[index] as Uint8Array
    const Type = arrayTypes[type]
    return new Type(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT)
  }
  if (Array.isArray(value)) return value.map((item) => withArrays(item, parts))
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withArrays(item, parts)]))
  return value
}

/**
 * A send function: messages without large arrays go to `post` as they are; otherwise `post` gets an
 * envelope and `pipe` the arrays' bytes. The arrays are written without a copy: the sender must not
 * change them after sending.
 */
export function pipedSender(post: (message: unknown) => void, pipe: Writable): (message: unknown) => void {
  return (message) => {
    const parts: TypedArray[] = []
    const body = withSlots(message, parts)
    if (parts.length === 0) {
      post(message)
      return
    }
    post({ [envelopeKey]: parts.map((p) => p.byteLength), body } satisfies Envelope)
    for (const part of parts) pipe.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength))
  }
}

interface Pending {
  body: unknown
  parts: Uint8Array[]
  /** The part being filled and how many of its bytes have arrived. */
  part: number
  filled: number
}

/** Puts messages back together from the IPC side (`message`) and the pipe, in the order they were sent. */
export class PipedReceiver {
  private readonly queue: Array<{ ready: unknown } | Pending> = []
  private unclaimed: Buffer[] = []

  constructor(
    private readonly deliver: (message: unknown) => void,
    pipe: Readable,
  ) {
    pipe.on('data', (chunk: Buffer) => {
      this.unclaimed.push(chunk)
      this.pump()
    })
  }

  message(message: unknown): void {
    if (isPlainObject(message) && Array.isArray(message[envelopeKey])) {
      const sizes = message[envelopeKey] as number[]
      this.queue.push({ body: message.body, parts: sizes.map((n) => new Uint8Array(n)), part: 0, filled: 0 })
    } else this.queue.push({ ready: message })
    this.pump()
  }

  private pump(): void {
    // The pipe's bytes belong to the envelopes in the order they were queued.
    for (const entry of this.queue) {
      if ('ready' in entry || entry.part === entry.parts.length) continue
      while (entry.part < entry.parts.length && this.unclaimed.length > 0) {
        const target = entry.parts[entry.part] as Uint8Array
        const chunk = this.unclaimed[0] as Buffer
        const n = Math.min(chunk.length, target.length - entry.filled)
        target.set(chunk.subarray(0, n), entry.filled)
        entry.filled += n
        if (n === chunk.length) this.unclaimed.shift()
        else this.unclaimed[0] = chunk.subarray(n)
        if (entry.filled === target.length) {
          entry.part++
          entry.filled = 0
        }
      }
      if (entry.part < entry.parts.length) break // waiting for more bytes
    }
    while (this.queue.length > 0) {
      const head = this.queue[0] as { ready: unknown } | Pending
      if (!('ready' in head) && head.part < head.parts.length) return
      this.queue.shift()
      this.deliver('ready' in head ? head.ready : withArrays(head.body, head.parts))
    }
  }
}
