/**
 * What the ROS recording reader needs from a file, whichever container holds it (MCAP, ROS 1 bag):
 * topics with their message types, messages in time order decoded with ROS 2's field names, and
 * single messages read again by reference (so images are not kept in memory).
 */
import { ConsoleError } from '../../../contract'

export interface RosTopic {
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

export interface RosRecording {
  readonly path: string
  topics(): RosTopic[]
  /** Every message of `topics` in time order (optionally within [startTime, endTime] ns), decoded. */
  messages<T>(topics: string[], startTime?: bigint, endTime?: bigint): AsyncGenerator<{ ref: MessageRef; message: T }>
  close(): Promise<void>
}

const ros1MatrixFields: Record<string, string> = { D: 'd', K: 'k', R: 'r', P: 'p' }

/** A decoded ROS 1 message with ROS 2's field names (time `nsec` → `nanosec`, CameraInfo `D K R P` → `d k r p`). */
export function withRos2Fields(value: unknown, cameraInfo: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => withRos2Fields(v, false))
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return value
  const entries = Object.entries(value).map(([key, v]): [string, unknown] => {
    if (key === 'nsec') return ['nanosec', v]
    return [(cameraInfo && ros1MatrixFields[key]) || key, withRos2Fields(v, false)]
  })
  return Object.fromEntries(entries)
}

/** Messages with their refs: the ordinal counts messages of one topic at the same log time. */
export async function* withRefs<T>(
  records: AsyncIterable<{ topic: string; logTime: bigint; message: T }>,
): AsyncGenerator<{ ref: MessageRef; message: T }> {
  const sameTime = new Map<string, { logTime: bigint; count: number }>()
  for await (const { topic, logTime, message } of records) {
    const last = sameTime.get(topic)
    const ordinal = last && last.logTime === logTime ? last.count : 0
    sameTime.set(topic, { logTime, count: ordinal + 1 })
    yield { ref: { topic, logTime, ordinal }, message }
  }
}

/** The message `ref` points at, read again from `recording`. */
export async function readMessage<T>(recording: RosRecording, ref: MessageRef): Promise<T> {
  for await (const { ref: found, message } of recording.messages<T>([ref.topic], ref.logTime, ref.logTime))
    if (found.ordinal === ref.ordinal) return message
  throw new ConsoleError('bad_file', `${recording.path}: message on ${ref.topic} at ${ref.logTime} ns is gone.`, {
    file: recording.path,
  })
}
