/**
 * A ROS 1 bag (format 2.0) written for the import tests: one uncompressed chunk holding the
 * connection and message records, an index data record per connection after it, then the
 * connections and the chunk info at `index_pos`. No npm package writes ROS 1 bags, so the records
 * are laid out here, following the format's specification.
 */
import { writeFile } from 'node:fs/promises'
import { parse } from '@foxglove/rosmsg'
import { MessageWriter } from '@foxglove/rosmsg-serialization'
import type { TopicWriter } from './mcap-fixture'
import { inRos1Fields } from './ros1-definitions'

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}
const time = (ns: bigint): Buffer => Buffer.concat([u32(Number(ns / 1_000_000_000n)), u32(Number(ns % 1_000_000_000n))])

/** name=value header fields, each prefixed by its length. */
const fields = (entries: Array<[string, Uint8Array | string]>): Buffer =>
  Buffer.concat(
    entries.flatMap(([name, value]) => {
      const body = Buffer.concat([Buffer.from(`${name}=`), typeof value === 'string' ? Buffer.from(value) : value])
      return [u32(body.length), body]
    }),
  )

const record = (header: Buffer, data: Uint8Array): Buffer =>
  Buffer.concat([u32(header.length), header, u32(data.length), data])

const op = (code: number): Buffer => Buffer.of(code)

interface Connection {
  id: number
  topic: string
  type: string
  definition: string
}

export class TestBag {
  private readonly connections: Connection[] = []
  private readonly messages: Array<{ conn: number; time: bigint; data: Uint8Array }> = []

  async topic(name: string, schemaName: string, definition: string, ros1Definition = definition): Promise<TopicWriter> {
    const connection = {
      id: this.connections.length,
      topic: name,
      type: schemaName.replace('/msg/', '/'),
      definition: ros1Definition,
    }
    this.connections.push(connection)
    const writer = new MessageWriter(parse(ros1Definition))
    const cameraInfo = schemaName.endsWith('CameraInfo')
    return {
      add: async (timeSec, message) => {
        const data = writer.writeMessage(inRos1Fields(message, cameraInfo))
        this.messages.push({ conn: connection.id, time: BigInt(Math.round(timeSec * 1e9)), data })
      },
    }
  }

  private connectionRecord(c: Connection): Buffer {
    return record(
      fields([
        ['op', op(0x07)],
        ['conn', u32(c.id)],
        ['topic', c.topic],
      ]),
      fields([
        ['topic', c.topic],
        ['type', c.type],
        ['md5sum', '*'],
        ['message_definition', c.definition],
      ]),
    )
  }

  async save(path: string): Promise<void> {
    const messages = [...this.messages].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    // The chunk: connection records, then the messages; offsets are within the chunk's data.
    const parts: Buffer[] = this.connections.map((c) => this.connectionRecord(c))
    let offset = parts.reduce((n, p) => n + p.length, 0)
    const offsets = new Map<number, Array<{ time: bigint; offset: number }>>()
    for (const m of messages) {
      const rec = record(
        fields([
          ['op', op(0x02)],
          ['conn', u32(m.conn)],
          ['time', time(m.time)],
        ]),
        m.data,
      )
      offsets.set(m.conn, [...(offsets.get(m.conn) ?? []), { time: m.time, offset }])
      parts.push(rec)
      offset += rec.length
    }
    const chunkData = Buffer.concat(parts)
    const chunk = record(
      fields([
        ['op', op(0x05)],
        ['compression', 'none'],
        ['size', u32(chunkData.length)],
      ]),
      chunkData,
    )
    const indexes = this.connections.map((c) => {
      const entries = offsets.get(c.id) ?? []
      return record(
        fields([
          ['op', op(0x04)],
          ['ver', u32(1)],
          ['conn', u32(c.id)],
          ['count', u32(entries.length)],
        ]),
        Buffer.concat(entries.map((e) => Buffer.concat([time(e.time), u32(e.offset)]))),
      )
    })
    const magic = Buffer.from('#ROSBAG V2.0\n')
    const headerLength = 4096
    const chunkPosition = magic.length + headerLength
    const indexPosition = chunkPosition + chunk.length + indexes.reduce((n, r) => n + r.length, 0)
    const headerFields = fields([
      ['op', op(0x03)],
      ['index_pos', u64(indexPosition)],
      ['conn_count', u32(this.connections.length)],
      ['chunk_count', u32(1)],
    ])
    // The bag header record is padded to 4096 bytes so writers can rewrite it in place.
    const bagHeader = record(headerFields, Buffer.alloc(headerLength - 8 - headerFields.length, 0x20))
    const chunkInfo = record(
      fields([
        ['op', op(0x06)],
        ['ver', u32(1)],
        ['chunk_pos', u64(chunkPosition)],
        ['start_time', time(messages[0]?.time ?? 0n)],
        ['end_time', time(messages.at(-1)?.time ?? 0n)],
        ['count', u32(this.connections.length)],
      ]),
      Buffer.concat(this.connections.map((c) => Buffer.concat([u32(c.id), u32(offsets.get(c.id)?.length ?? 0)]))),
    )
    await writeFile(
      path,
      Buffer.concat([
        magic,
        bagHeader,
        chunk,
        ...indexes,
        ...this.connections.map((c) => this.connectionRecord(c)),
        chunkInfo,
      ]),
    )
  }
}
