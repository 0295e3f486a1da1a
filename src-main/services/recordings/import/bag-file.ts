/**
 * A ROS 1 bag (format 2.0) opened for import through @foxglove/rosbag: connections as topics,
 * messages decoded by the connection's own definition (uncompressed, bz2 or lz4 chunks) and handed
 * on with ROS 2's field names, so the ROS recording reader treats it like an MCAP.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { Bag, type Filelike } from '@foxglove/rosbag'
import { loadDecompressHandlers } from '@mcap/support'
import { ConsoleError } from '../../../contract'
import { confinedPath } from '../../security/source-confinement'
import { withRefs, withRos2Fields, type MessageRef, type RosRecording, type RosTopic } from './ros-recording'

class FileBytes implements Filelike {
  constructor(
    private readonly handle: FileHandle,
    private readonly sizeBytes: number,
  ) {}
  size(): number {
    return this.sizeBytes
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length)
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset)
    if (bytesRead < length) throw new Error(`short read at byte ${offset}`)
    return buffer
  }
}

const nanoseconds = (time: { sec: number; nsec: number }): bigint =>
  BigInt(time.sec) * 1_000_000_000n + BigInt(time.nsec)
const timeOf = (ns: bigint): { sec: number; nsec: number } => ({
  sec: Number(ns / 1_000_000_000n),
  nsec: Number(ns % 1_000_000_000n),
})

export class BagFile implements RosRecording {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly bag: Bag,
  ) {}

  static async open(path: string): Promise<BagFile> {
    const handle = await open(await confinedPath(path), 'r')
    try {
      const { size } = await handle.stat()
      // bz2 and lz4 chunks (rosbag record --bz2 / --lz4) through Foxglove's WASM decoders.
      const decompress = Object.fromEntries(
        Object.entries(await loadDecompressHandlers()).map(([name, handler]) => [
          name,
          (data: Uint8Array, size: number) => handler(data, BigInt(size)),
        ]),
      )
      const bag = new Bag(new FileBytes(handle, size), { decompress, parse: true })
      await bag.open()
      return new BagFile(path, handle, bag)
    } catch (error) {
      await handle.close()
      throw new ConsoleError(
        'bad_file',
        `${path}: not a readable ROS 1 bag (format 2.0) (${error instanceof Error ? error.message : String(error)}).`,
        { file: path },
      )
    }
  }

  close(): Promise<void> {
    return this.handle.close()
  }

  topics(): RosTopic[] {
    const counts = new Map<number, number>()
    for (const info of this.bag.chunkInfos)
      for (const { conn, count } of info.connections) counts.set(conn, (counts.get(conn) ?? 0) + count)
    const byTopic = new Map<string, RosTopic>()
    for (const connection of this.bag.connections.values()) {
      const known = byTopic.get(connection.topic)
      const count = counts.get(connection.conn) ?? 0
      if (known) known.messageCount = (known.messageCount ?? 0) + count
      else
        byTopic.set(connection.topic, {
          topic: connection.topic,
          schemaName: connection.type ?? '(no type)',
          messageCount: count,
        })
    }
    return [...byTopic.values()]
  }

  messages<T>(topics: string[], startTime?: bigint, endTime?: bigint): AsyncGenerator<{ ref: MessageRef; message: T }> {
    const bag = this.bag
    async function* records(): AsyncGenerator<{ topic: string; logTime: bigint; message: T }> {
      const iterator = bag.messageIterator({ topics, ...(startTime !== undefined ? { start: timeOf(startTime) } : {}) })
      for await (const event of iterator) {
        const logTime = nanoseconds(event.timestamp)
        if (endTime !== undefined && logTime > endTime) return
        const type = bag.connections.get(event.connectionId)?.type ?? ''
        yield { topic: event.topic, logTime, message: withRos2Fields(event.message, /CameraInfo$/.test(type)) as T }
      }
    }
    return withRefs(records())
  }
}
