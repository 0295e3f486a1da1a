/**
 * An indexed MCAP file opened for import: topics with their schema names, decoding of ROS 2 (CDR)
 * and ROS 1 messages (a `.bag` converted with `mcap convert`; schemas parsed once per channel) and
 * random access to single messages by log time. ROS 1 messages are handed on with ROS 2's field
 * names (time `nsec` → `nanosec`, CameraInfo `D K R P` → `d k r p`), so one reader serves both.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { McapIndexedReader, type IReadable } from '@mcap/core'
import { loadDecompressHandlers } from '@mcap/support'
import { parse as parseMessageDefinition } from '@foxglove/rosmsg'
import { MessageReader as Ros1MessageReader } from '@foxglove/rosmsg-serialization'
import { MessageReader } from '@foxglove/rosmsg2-serialization'
import { ConsoleError } from '../../../contract'
import { confinedPath } from '../../security/source-confinement'
import { withRefs, withRos2Fields, type MessageRef, type RosRecording, type RosTopic } from './ros-recording'

class FileReadable implements IReadable {
  constructor(
    private readonly handle: FileHandle,
    private readonly sizeBytes: bigint,
  ) {}
  async size(): Promise<bigint> {
    return this.sizeBytes
  }
  async read(offset: bigint, size: bigint): Promise<Uint8Array> {
    const buffer = new Uint8Array(Number(size))
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, Number(offset))
    if (bytesRead < buffer.length) throw new Error(`short read at byte ${offset}`)
    return buffer
  }
}

const textDecoder = new TextDecoder()

interface Decoder {
  read<T>(data: Uint8Array): T
}

export class McapFile implements RosRecording {
  private readonly decoders = new Map<number, Decoder>()

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly reader: McapIndexedReader,
  ) {}

  static async open(path: string): Promise<McapFile> {
    const handle = await open(await confinedPath(path), 'r')
    try {
      const { size } = await handle.stat()
      // zstd, lz4 and bz2 chunks (rosbag2 and Foxglove write compressed MCAP) through Foxglove's WASM decoders.
      const decompressHandlers = await loadDecompressHandlers()
      const reader = await McapIndexedReader.Initialize({
        readable: new FileReadable(handle, BigInt(size)),
        decompressHandlers,
      })
      const unknown = [
        ...new Set(reader.chunkIndexes.map((c) => c.compression).filter((c) => c && !(c in decompressHandlers))),
      ]
      if (unknown.length > 0)
        throw new ConsoleError(
          'unsupported',
          `${path}: chunks are compressed with ${unknown.join(', ')}, which this build cannot read; convert with "mcap convert --compression none".`,
          { file: path },
        )
      return new McapFile(path, handle, reader)
    } catch (error) {
      await handle.close()
      if (error instanceof ConsoleError) throw error
      throw new ConsoleError(
        'bad_file',
        `${path}: not a readable indexed MCAP file (${error instanceof Error ? error.message : String(error)}).`,
        { file: path },
      )
    }
  }

  close(): Promise<void> {
    return this.handle.close()
  }

  topics(): RosTopic[] {
    const counts = this.reader.statistics?.channelMessageCounts
    return [...this.reader.channelsById.values()].map((channel) => ({
      topic: channel.topic,
      schemaName: this.reader.schemasById.get(channel.schemaId)?.name ?? '(no schema)',
      messageCount: counts ? Number(counts.get(channel.id) ?? 0n) : null,
    }))
  }

  private decoderFor(channelId: number): Decoder {
    let decoder = this.decoders.get(channelId)
    if (!decoder) {
      const channel = this.reader.channelsById.get(channelId)
      const schema = channel ? this.reader.schemasById.get(channel.schemaId) : undefined
      const ros2 = channel?.messageEncoding === 'cdr' && schema?.encoding === 'ros2msg'
      const ros1 = channel?.messageEncoding === 'ros1' && schema?.encoding === 'ros1msg'
      if (!channel || !schema || (!ros1 && !ros2))
        throw new ConsoleError(
          'unsupported',
          `${this.path}: topic ${channel?.topic ?? channelId} is neither ROS 2 CDR nor ROS 1 (encoding ${channel?.messageEncoding ?? '?'}).`,
          { file: this.path },
        )
      const definition = parseMessageDefinition(textDecoder.decode(schema.data), { ros2 })
      if (ros2) {
        const reader = new MessageReader(definition)
        decoder = { read: (data) => reader.readMessage(data) }
      } else {
        const reader = new Ros1MessageReader(definition)
        const cameraInfo = /CameraInfo$/.test(schema.name)
        decoder = { read: <T>(data: Uint8Array) => withRos2Fields(reader.readMessage(data), cameraInfo) as T }
      }
      this.decoders.set(channelId, decoder)
    }
    return decoder
  }

  /** Every message of `topics` in log-time order, decoded, with a reference to read it again. */
  messages<T>(topics: string[], startTime?: bigint, endTime?: bigint): AsyncGenerator<{ ref: MessageRef; message: T }> {
    const records = async function* (this: McapFile): AsyncGenerator<{ topic: string; logTime: bigint; message: T }> {
      for await (const record of this.reader.readMessages({
        topics,
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
      }))
        yield {
          topic: this.reader.channelsById.get(record.channelId)?.topic ?? '',
          logTime: record.logTime,
          message: this.decoderFor(record.channelId).read<T>(record.data),
        }
    }
    return withRefs(records.call(this))
  }
}
