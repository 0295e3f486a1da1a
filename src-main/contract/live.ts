/**
 * The robot, live (`live` service, docs/LIVE.md): connect to a robot's Foxglove WebSocket server
 * (foxglove_bridge), pick the colour / depth / CameraInfo / tf topics, record into a normal session
 * while the model embeds the newest paired frame at its own pace.
 */
import { z } from 'zod'
import { method } from './rpc'
import type { SessionFrame } from './session-manifest'

const topic = z.string().trim().min(1).max(300)

export const liveUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((url) => /^wss?:\/\/[^\s/]+/i.test(url), 'must be a ws:// or wss:// URL, e.g. ws://robot:8765')

export const liveTopicChoiceSchema = z.object({
  rgbTopic: topic.optional(),
  depthTopic: topic.optional(),
  cameraInfoTopic: topic.optional(),
  /** The fixed frame poses are given in (default: the root of the tf tree). */
  worldFrame: z.string().trim().min(1).max(200).optional(),
})
export type LiveTopicChoice = z.infer<typeof liveTopicChoiceSchema>

export const liveConnectSchema = liveTopicChoiceSchema.extend({
  url: liveUrlSchema,
  name: z.string().trim().min(1).max(200).optional(),
  /** Colour and depth stamps further apart than this are not a pair. */
  pairToleranceMs: z.number().positive().max(500).default(20),
  /** SHA-256 fingerprint the server's certificate must have (wss:// with a self-signed certificate). */
  certificateFingerprint: z.string().trim().max(200).optional(),
  /** Stop after this many recorded frames (CLI, tests). */
  maxFrames: z.number().int().positive().optional(),
})
export type LiveConnectOptions = z.input<typeof liveConnectSchema>

export interface LiveTopic {
  topic: string
  schemaName: string
}

export interface LiveTopicListing {
  url: string
  /** The subprotocol the server chose. */
  protocol: string
  serverName: string
  topics: LiveTopic[]
  /** The topics chosen when none are given (null where no topic fits). */
  suggested: { rgbTopic: string | null; depthTopic: string | null; cameraInfoTopic: string | null; tfTopics: string[] }
  /** Where the recording will be written, the free space there (null when unreadable), and a warning when it is nearly full. */
  recordsTo: { dir: string; freeBytes: number | null; warning: string | null }
}

export const liveStates = ['connecting', 'live', 'reconnecting', 'stopped', 'failed'] as const
export type LiveState = (typeof liveStates)[number]

export interface LiveStatus {
  state: LiveState
  url: string
  protocol: string | null
  topics: {
    rgbTopic: string | null
    depthTopic: string | null
    cameraInfoTopic: string | null
    tfTopics: string[]
    worldFrame: string | null
  }
  /** The library session being recorded (null until the first paired frame). */
  sessionId: string | null
  framesRecorded: number
  /** Pairs not recorded (wrong size or encoding, replayed, or this computer fell behind), with the reason below. */
  framesRejected: number
  pairing: { toleranceMs: number; paired: number; unpairedColour: number; unpairedDepth: number; duplicates: number }
  /** Paired frames per second arriving over the last seconds. */
  arrivalFps: number
  model: {
    state: 'off' | 'running' | 'failed'
    fps: number
    embedded: number
    skipped: number
    skippedPercent: number
    latestFrameIndex: number | null
  }
  /** Frames with a pose from tf. */
  posedFrames: number
  reconnects: number
  /** The one thing to tell the person now (a bad topic, a refused connection…), or null. */
  message: string | null
  /** Every distinct problem seen, oldest first. */
  problems: string[]
  startedAt: string
}

export const liveSpec = {
  /** Connects briefly and lists the server's topics with the automatic choice. */
  topics: method<LiveTopicListing>()(
    z.object({ url: liveUrlSchema, certificateFingerprint: z.string().trim().max(200).optional() }),
  ),
  /** Starts the live link (one at a time) and recording. */
  connect: method<LiveStatus>()(liveConnectSchema),
  status: method<LiveStatus | null>()(z.void()),
  /** Stops the link; the recording becomes a plain session. */
  stop: method<LiveStatus | null>()(z.void()),
  /** Frames recorded so far from index `from` (the Player appends them while following the head). */
  frames: method<SessionFrame[]>()(
    z.object({ sessionId: z.string().min(1).max(120), from: z.number().int().nonnegative() }),
  ),
}
