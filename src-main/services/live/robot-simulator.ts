/**
 * `dve robot simulate`: publishes a recorded session over the Foxglove WebSocket protocol as a ROS 2
 * robot behind foxglove_bridge would (field-anchors §b5): CDR `sensor_msgs/msg/Image` (or
 * `CompressedImage` for JPEG sessions; depth raw 16UC1 or, when asked, image_transport's
 * compressedDepth), `CameraInfo`, `tf2_msgs/msg/TFMessage` on /tf and
 * /tf_static, RealSense-style topic names, at the recorded rate × `rate`. Message Data timestamps
 * are the send time (the bridge's receive time); `header.stamp` is the recorded time. It accepts
 * clients offering `foxglove.sdk.v1` and/or `foxglove.websocket.v1` and answers HTTP 400 to others,
 * like the SDK server.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { WebSocketServer } from 'ws'
import { compressedDepth16 } from '../recordings/import/compressed-depth'
import { encodeDepthPng } from '../recordings/import/frame-images'
import { FoxgloveServer } from './foxglove-ws-protocol'
import type { SessionFrame, SessionManifest } from '../../contract'
import type { SessionFrameReader } from '../recordings/session-frame-reader'
import type { StoredSession } from '../recordings/session-store'
import { rosSchemas, rosStamp, rosWriter, type RosSchemaKey } from './ros2-schemas'
import { linkFromOpticalRotation, rosTransformFromMatrix, worldFromLinkOf } from './ros-transforms'
import { foxgloveSubprotocols } from './subprotocols'

export const simulatedTopics = {
  colourRaw: '/camera/camera/color/image_raw',
  colourCompressed: '/camera/camera/color/image_raw/compressed',
  depth: '/camera/camera/aligned_depth_to_color/image_raw',
  depthCompressed: '/camera/camera/aligned_depth_to_color/image_raw/compressedDepth',
  cameraInfo: '/camera/camera/aligned_depth_to_color/camera_info',
  tf: '/tf',
  tfStatic: '/tf_static',
} as const

export const simulatedFrames = { world: 'odom', link: 'camera_link', optical: 'camera_color_optical_frame' } as const

export interface SimulatorOptions {
  session: StoredSession
  frames: SessionFrameReader
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Playback speed (1 = recorded rate). */
  rate?: number
  loop?: boolean
  /** How depth goes out: a raw 16UC1 Image (default) or image_transport's compressedDepth (16-bit PNG). */
  depthTransport?: DepthTransport
  /** Publish only frames [start, end) of the session. */
  frameRange?: { start: number; end: number }
  /** Called after each frame's messages went out (tests compare it with what was recorded). */
  onPublished?: (frame: PublishedFrame) => void
}

export const depthTransports = ['raw', 'compressedDepth'] as const
export type DepthTransport = (typeof depthTransports)[number]

export interface PublishedFrame {
  frameIndex: number
  loop: number
  stampSec: number
}

interface Channels {
  colour: number
  depth: number
  cameraInfo: number
  tf: number
  tfStatic: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class RobotSimulator {
  private readonly foxglove: FoxgloveServer
  private readonly http: Server
  private readonly wss: WebSocketServer
  private readonly channels: Channels
  private readonly writers = new Map<RosSchemaKey, ReturnType<typeof rosWriter>>()
  private readonly subscribed = new Set<number>()
  private running = true
  /** Playback starts when a client subscribes to the images, so a newcomer sees the recording from its start. */
  private readonly imagesSubscribed: Promise<void>
  private markSubscribed: () => void = () => undefined
  private playing: Promise<void> = Promise.resolve()
  readonly compressedColour: boolean
  readonly compressedDepth: boolean
  /** Recorded epoch of frame 0: header stamps are this + the frame's session time. */
  private readonly baseEpochSec: number
  published = 0
  private markClosing: () => void = () => undefined
  private readonly closing = new Promise<void>((resolve) => (this.markClosing = resolve))

  private constructor(private readonly options: SimulatorOptions) {
    const { manifest } = options.session
    this.compressedColour = manifest.frames[0]?.rgb.toLowerCase().match(/\.jpe?g$/) !== null
    this.compressedDepth = options.depthTransport === 'compressedDepth'
    this.baseEpochSec = Math.floor(Date.parse(manifest.createdAt) / 1000) || 1_700_000_000
    this.foxglove = new FoxgloveServer({
      name: `dve robot simulate ${manifest.id}`,
      capabilities: [],
      supportedEncodings: ['cdr'],
      metadata: { ROS_DISTRO: 'jazzy' },
      sessionId: randomUUID(),
    })
    const channel = (topic: string, key: RosSchemaKey): number =>
      this.foxglove.addChannel({
        topic,
        encoding: 'cdr',
        schemaName: rosSchemas[key].name,
        schema: rosSchemas[key].definition,
        schemaEncoding: 'ros2msg',
      })
    this.channels = {
      colour: this.compressedColour
        ? channel(simulatedTopics.colourCompressed, 'compressedImage')
        : channel(simulatedTopics.colourRaw, 'image'),
      depth: this.compressedDepth
        ? channel(simulatedTopics.depthCompressed, 'compressedImage')
        : channel(simulatedTopics.depth, 'image'),
      cameraInfo: channel(simulatedTopics.cameraInfo, 'cameraInfo'),
      tf: channel(simulatedTopics.tf, 'tfMessage'),
      tfStatic: channel(simulatedTopics.tfStatic, 'tfMessage'),
    }
    this.imagesSubscribed = new Promise<void>((resolve) => (this.markSubscribed = resolve))
    this.foxglove.on('subscribe', (id) => {
      this.subscribed.add(id)
      if (this.subscribed.has(this.channels.colour) && this.subscribed.has(this.channels.depth)) this.markSubscribed()
      // Latched like a transient_local topic: a new subscriber gets the static transforms at once.
      if (id === this.channels.tfStatic) this.sendStatic()
    })
    this.foxglove.on('unsubscribe', (id) => this.subscribed.delete(id))
    this.foxglove.on('error', () => undefined)
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' })
      res.end('Foxglove WebSocket server: connect with a WebSocket client.\n')
    })
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered) => foxgloveSubprotocols.find((p) => offered.has(p)) ?? false,
    })
    this.http.on('upgrade', (req, socket, head) => {
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
      if (!foxgloveSubprotocols.some((p) => offered.includes(p))) {
        // What the Foxglove SDK server answers a client that offers neither name.
        socket.end(
          'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nMissing expected sec-websocket-protocol header\n',
        )
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.foxglove.handleConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`),
      )
    })
  }

  static async start(options: SimulatorOptions): Promise<RobotSimulator> {
    if (options.session.manifest.frames.length === 0)
      throw new Error(`session "${options.session.id}" has no frames to publish`)
    const simulator = new RobotSimulator(options)
    await new Promise<void>((resolve, reject) => {
      simulator.http.once('error', reject)
      simulator.http.listen(options.port ?? 8765, options.host ?? '127.0.0.1', () => resolve())
    })
    simulator.playing = simulator.play()
    return simulator
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port
  }

  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.port}`
  }

  topics(): string[] {
    return [
      this.compressedColour ? simulatedTopics.colourCompressed : simulatedTopics.colourRaw,
      this.compressedDepth ? simulatedTopics.depthCompressed : simulatedTopics.depth,
      simulatedTopics.cameraInfo,
      simulatedTopics.tf,
      simulatedTopics.tfStatic,
    ]
  }

  /** Resolves when the recording has been published (never with `loop`, until closed). */
  finished(): Promise<void> {
    return this.playing
  }

  async close(): Promise<void> {
    this.running = false
    this.markClosing()
    for (const client of this.wss.clients) client.terminate()
    this.wss.close()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
    await this.playing.catch(() => undefined)
  }

  private writer(key: RosSchemaKey): ReturnType<typeof rosWriter> {
    let writer = this.writers.get(key)
    if (!writer) this.writers.set(key, (writer = rosWriter(key)))
    return writer
  }

  private send(channel: number, key: RosSchemaKey, message: unknown): void {
    if (!this.subscribed.has(channel)) return
    this.foxglove.sendMessage(
      channel,
      BigInt(Date.now()) * 1_000_000n,
      this.writer(key).writeMessage(message) as Uint8Array<ArrayBuffer>,
    )
  }

  private sendStatic(): void {
    const stamp = rosStamp(this.baseEpochSec)
    this.send(this.channels.tfStatic, 'tfMessage', {
      transforms: [
        {
          header: { stamp, frame_id: simulatedFrames.link },
          child_frame_id: simulatedFrames.optical,
          transform: { translation: { x: 0, y: 0, z: 0 }, rotation: linkFromOpticalRotation },
        },
      ],
    })
  }

  private async play(): Promise<void> {
    const { manifest } = this.options.session
    const range = this.options.frameRange
    const frames = range ? manifest.frames.slice(range.start, range.end) : manifest.frames
    if (frames.length === 0)
      throw new Error(
        `frames ${range?.start}:${range?.end} are outside session "${manifest.id}" (${manifest.frames.length} frames)`,
      )
    const t0 = frames[0]!.timestampSec
    const duration = frames[frames.length - 1]!.timestampSec - t0
    const period = frames.length > 1 ? duration / (frames.length - 1) : 1 / 30
    const rate = this.options.rate ?? 1
    await Promise.race([this.imagesSubscribed, this.closing])
    const started = performance.now()
    for (let loop = 0; this.running; loop++) {
      // Loops follow on in time, one period apart, so stamps never repeat and the rate holds across the wrap.
      const loopStartSec = loop * (duration + period)
      let next = this.messagesOf(frames[0]!)
      for (let i = 0; i < frames.length && this.running; i++) {
        const frame = frames[i]!
        const messages = await next
        if (i + 1 < frames.length) next = this.messagesOf(frames[i + 1]!)
        next.catch(() => undefined)
        const dueSec = loopStartSec + (frame.timestampSec - t0)
        const waitMs = (dueSec * 1000) / rate - (performance.now() - started)
        if (waitMs > 0) await sleep(waitMs)
        if (!this.running) break
        const stampSec = this.baseEpochSec + dueSec
        this.publish(frame, manifest, messages, stampSec)
        this.published++
        this.options.onPublished?.({ frameIndex: frame.index, loop, stampSec })
      }
      if (!this.options.loop) break
    }
  }

  /** The frame's colour and depth payloads, read ahead while the previous frame waits for its time. */
  private async messagesOf(
    frame: SessionFrame,
  ): Promise<{ colour: Record<string, unknown>; depth: Record<string, unknown> }> {
    const { session } = this.options
    const rgbPath = join(session.dir, frame.rgb)
    const depth = this.depthMessageOf(frame)
    if (this.compressedColour) return { colour: { format: 'jpeg', data: await readFile(rgbPath) }, depth: await depth }
    const raw = await sharp(rgbPath).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    return {
      colour: {
        height: raw.info.height,
        width: raw.info.width,
        encoding: 'rgb8',
        is_bigendian: 0,
        step: raw.info.width * 3,
        data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length),
      },
      depth: await depth,
    }
  }

  /** The depth message's fields (no header): 16UC1 millimetres, raw or as compressedDepth. */
  private async depthMessageOf(frame: SessionFrame): Promise<Record<string, unknown>> {
    const depth = await this.options.frames.depthRaw(this.options.session, frame)
    const mm = new Uint16Array(depth.data.length)
    for (let i = 0; i < mm.length; i++) mm[i] = Math.min(65535, Math.round(depth.data[i]! * depth.scale * 1000))
    const { width, height } = depth
    if (this.compressedDepth) return compressedDepth16(await encodeDepthPng({ width, height, data: mm, png: null }))
    return { height, width, encoding: '16UC1', is_bigendian: 0, step: width * 2, data: new Uint8Array(mm.buffer) }
  }

  private publish(
    frame: SessionFrame,
    manifest: SessionManifest,
    messages: Awaited<ReturnType<RobotSimulator['messagesOf']>>,
    stampSec: number,
  ): void {
    const header = { stamp: rosStamp(stampSec), frame_id: simulatedFrames.optical }
    // tf first: a client looking up the image's pose finds it already there.
    if (frame.worldFromCamera) {
      this.send(this.channels.tf, 'tfMessage', {
        transforms: [
          {
            header: { stamp: header.stamp, frame_id: simulatedFrames.world },
            child_frame_id: simulatedFrames.link,
            transform: rosTransformFromMatrix(worldFromLinkOf(frame.worldFromCamera)),
          },
        ],
      })
    }
    const { fx, fy, cx, cy, width, height } = manifest.camera
    this.send(this.channels.cameraInfo, 'cameraInfo', {
      header,
      height,
      width,
      distortion_model: 'plumb_bob',
      d: [0, 0, 0, 0, 0],
      k: [fx, 0, cx, 0, fy, cy, 0, 0, 1],
      r: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      p: [fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0],
      binning_x: 0,
      binning_y: 0,
      roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
    })
    this.send(this.channels.colour, this.compressedColour ? 'compressedImage' : 'image', { header, ...messages.colour })
    this.send(this.channels.depth, this.compressedDepth ? 'compressedImage' : 'image', { header, ...messages.depth })
    if (frame.index % 30 === 0) this.sendStatic()
  }
}
