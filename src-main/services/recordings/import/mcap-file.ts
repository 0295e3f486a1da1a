/**
 * An indexed MCAP file opened for import: topics with their schema names, CDR decoding of ROS 2
 * messages (schemas parsed once per channel) and random access to single messages by log time.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { McapIndexedReader, type IReadable } from '@mcap/core'
import { loadDecompressHandlers } from '@mcap/support'
import { parse as parseMessageDefinition } from '@foxglove/rosmsg'
import { MessageReader } from '@foxglove/rosmsg2-serialization'
import { ConsoleError } from '../../../contract'
import { confinedPath } from '../../security/source-confinement'

export interface McapTopic {
  topic: string
  schemaName: string
  messageCount: number | null
}

/** Where one message is in the file, to read it again later. */
export interface MessageRef {
  topic: string
  logTime: bigint
  /** Index among the topic's messages with the same log time. */
  ordinal: number
}

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

export class McapFile {
  private readonly decoders = new Map<number, MessageReader>()

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

  topics(): McapTopic[] {
    const counts = this.reader.statistics?.channelMessageCounts
    return [...this.reader.channelsById.values()].map((channel) => ({
      topic: channel.topic,
      schemaName: this.reader.schemasById.get(channel.schemaId)?.name ?? '(no schema)',
      messageCount: counts ? Number(counts.get(channel.id) ?? 0n) : null,
    }))
  }

  private decoderFor(channelId: number): MessageReader {
    let decoder = this.decoders.get(channelId)
    if (!decoder) {
      const channel = this.reader.channelsById.get(channelId)
      const schema = channel ? this.reader.schemasById.get(channel.schemaId) : undefined
      if (!channel || !schema || channel.messageEncoding !== 'cdr' || schema.encoding !== 'ros2msg')
        throw new ConsoleError(
          'unsupported',
          `${this.path}: topic ${channel?.topic ?? channelId} is not ROS 2 CDR (encoding ${channel?.messageEncoding ?? '?'}).`,
          { file: this.path },
        )
      decoder = new MessageReader(parseMessageDefinition(textDecoder.decode(schema.data), { ros2: true }))
      this.decoders.set(channelId, decoder)
    }
    return decoder
  }

  /** Every message of `topics` in log-time order, decoded, with a reference to read it again. */
  async *messages<T>(
    topics: string[],
    startTime?: bigint,
    endTime?: bigint,
  ): AsyncGenerator<{ ref: MessageRef; message: T }> {
    const sameTime = new Map<string, { logTime: bigint; count: number }>()
    for await (const record of this.reader.readMessages({
      topics,
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
    })) {
      const topic = this.reader.channelsById.get(record.channelId)?.topic ?? ''
      const last = sameTime.get(topic)
      const ordinal = last && last.logTime === record.logTime ? last.count : 0
      sameTime.set(topic, { logTime: record.logTime, count: ordinal + 1 })
      yield {
        ref: { topic, logTime: record.logTime, ordinal },
        message: this.decoderFor(record.channelId).readMessage<T>(record.data),
      }
    }
  }

  async read<T>(ref: MessageRef): Promise<T> {
    for await (const { ref: found, message } of this.messages<T>([ref.topic], ref.logTime, ref.logTime))
      if (found.ordinal === ref.ordinal) return message
    throw new ConsoleError('bad_file', `${this.path}: message on ${ref.topic} at ${ref.logTime} ns is gone.`, {
      file: this.path,
    })
  }
}
