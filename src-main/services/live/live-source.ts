/**
 * One live link, start to stop: connects (and reconnects with backoff), subscribes the chosen topics,
 * decodes CDR with the importer's ROS 2 code, pairs colour and depth on header.stamp, looks the pose
 * up in tf, records every complete pair into one library session (across reconnects), and offers
 * each recorded frame to the model's latest-frame-wins scheduler.
 */
import {
  ConsoleError,
  type LiveConnectOptions,
  type LiveStatus,
  type PinholeIntrinsics,
  type SessionFrame,
} from '../../contract'
import type { SessionStore } from '../recordings/session-store'
import { decodeRgb, encodeDepthPng } from '../recordings/import/frame-images'
import type { LoadedImage } from '../recordings/import/import-plan'
import {
  colourFromRos,
  depthFromRos,
  stampSeconds,
  type RosAnyImage,
  type RosTime,
} from '../recordings/import/ros-images'
import { TfBuffer, type RosTransformStamped } from '../recordings/import/tf-buffer'
import { FoxgloveLink, LinkFailure, type Channel } from './foxglove-link'
import { LatestFrameScheduler } from './latest-frame-scheduler'
import { LiveSessionWriter } from './live-session-writer'
import { RateMeter } from './rate-meter'
import { rosReader } from './ros2-schemas'
import { StampPairer } from './stamp-pairing'
import { cameraInfoSchemas, describeTopics, suggestTopics, tfSchemas } from './topic-choice'

export interface LiveSourceDeps {
  libraryDir: string
  store: SessionStore | null
  /** Runs the model on a recorded frame; null when there is no model to run. */
  embed: ((sessionId: string, frameIndex: number) => Promise<void>) | null
  /** A frame was recorded (`arrivalMs`: performance.now() when its pair was complete). */
  onFrame?: (frame: SessionFrame, sessionId: string, arrivalMs: number) => void
  /** The model finished a frame. */
  onEmbedded?: (frameIndex: number, sessionId: string, arrivalMs: number) => void
  /** The state changed in a way worth telling at once (connected, lost, failed, stopped). */
  onChange?: () => void
  now?: () => Date
}

interface RosCameraInfo {
  header: { stamp: RosTime; frame_id: string }
  width: number
  height: number
  k: ArrayLike<number>
}

interface Pair {
  colour: RosAnyImage
  depth: RosAnyImage
  stampSec: number
  arrivalMs: number
}

/** Waits between reconnect attempts (the last repeats). */
const backoffMs = [500, 1_000, 2_000, 4_000, 5_000]
/** How long the first pair waits for a CameraInfo before intrinsics are assumed. */
const cameraInfoWaitMs = 3_000
const assumedFieldOfViewDeg = 60
/** How far from a tf sample a pose may be looked up. */
const tfMaxGapSec = 0.1
/** Pairs waiting to be written before the link is said to outrun the disk. */
const backlogWarning = 90
/** Most pairs held in memory waiting to be written (10 s at 30 fps): memory stays bounded. */
const maxBacklog = 300

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class LiveSource {
  private link: FoxgloveLink | null = null
  private readonly options: LiveConnectOptions & { pairToleranceMs: number }
  private readonly pairer: StampPairer<RosAnyImage, RosAnyImage>
  private tf = new TfBuffer()
  private tfDirty = false
  private cameraInfo: RosCameraInfo | null = null
  private cameraInfoArrived: (() => void) | null = null
  private writer: LiveSessionWriter | null = null
  private writing: Promise<void> = Promise.resolve()
  private backlog = 0
  private behind = 0
  private readonly scheduler: LatestFrameScheduler<{ sessionId: string; index: number; arrivalMs: number }> | null
  private readonly arrivals = new RateMeter()
  private readonly embeddings = new RateMeter()
  private readonly decoders = new Map<number, ReturnType<typeof rosReader>>()
  private serverSessionId: string | null = null
  private lastRecordedSec = Number.NEGATIVE_INFINITY
  private saidReplay = false
  private stopping = false
  private running: Promise<void> = Promise.resolve()
  private firstConnect: { resolve: () => void; reject: (error: Error) => void } | null = null
  private readonly state: LiveStatus

  constructor(
    options: LiveConnectOptions,
    private readonly deps: LiveSourceDeps,
  ) {
    this.options = { ...options, pairToleranceMs: options.pairToleranceMs ?? 20 }
    this.pairer = new StampPairer({ epsilonSec: this.options.pairToleranceMs / 1000 })
    this.scheduler = deps.embed
      ? new LatestFrameScheduler(
          async (job) => {
            await deps.embed!(job.sessionId, job.index)
            this.embeddings.tick()
            this.state.model.latestFrameIndex = job.index
            deps.onEmbedded?.(job.index, job.sessionId, job.arrivalMs)
          },
          (error) => {
            this.state.model.state = 'failed'
            this.problem(`The model failed on a live frame: ${errorText(error)}`)
          },
        )
      : null
    this.state = {
      state: 'connecting',
      url: options.url,
      protocol: null,
      topics: {
        rgbTopic: options.rgbTopic ?? null,
        depthTopic: options.depthTopic ?? null,
        cameraInfoTopic: options.cameraInfoTopic ?? null,
        tfTopics: [],
        worldFrame: options.worldFrame ?? null,
      },
      sessionId: null,
      framesRecorded: 0,
      framesRejected: 0,
      pairing: {
        toleranceMs: this.options.pairToleranceMs,
        paired: 0,
        unpairedColour: 0,
        unpairedDepth: 0,
        duplicates: 0,
      },
      arrivalFps: 0,
      model: {
        state: deps.embed ? 'running' : 'off',
        fps: 0,
        embedded: 0,
        skipped: 0,
        skippedPercent: 0,
        latestFrameIndex: null,
      },
      posedFrames: 0,
      reconnects: 0,
      message: null,
      problems: [],
      startedAt: (deps.now?.() ?? new Date()).toISOString(),
    }
  }

  /** Connects; resolves once live, rejects (with the one clear reason) when the first attempt fails. */
  start(): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => (this.firstConnect = { resolve, reject }))
    this.running = this.run()
    return connected
  }

  status(): LiveStatus {
    const counts = this.scheduler?.counts
    const embedded = counts?.finished ?? 0
    const skipped = counts?.skipped ?? 0
    return {
      ...this.state,
      topics: { ...this.state.topics, tfTopics: [...this.state.topics.tfTopics] },
      framesRecorded: this.writer?.frameCount ?? 0,
      pairing: { toleranceMs: this.options.pairToleranceMs, ...this.pairer.counts },
      arrivalFps: this.arrivals.perSecond(),
      model: {
        ...this.state.model,
        fps: this.embeddings.perSecond(),
        embedded,
        skipped,
        skippedPercent: counts && counts.offered > 0 ? (100 * skipped) / counts.offered : 0,
      },
      problems: [...this.state.problems],
    }
  }

  /** Stops the link, writes what is pending and closes the recording. */
  async stop(): Promise<LiveStatus> {
    this.stopping = true
    this.link?.close()
    await this.running
    await this.writing
    await this.scheduler?.stop()
    await this.writer?.close()
    if (this.state.state !== 'failed') this.state.state = 'stopped'
    this.deps.onChange?.()
    return this.status()
  }

  /** Resolves when the source has stopped by itself (maxFrames) or was stopped. */
  finished(): Promise<void> {
    return this.running
  }

  /** Resolves when every recorded frame so far has been through the model (or skipped). */
  modelIdle(): Promise<void> {
    return this.scheduler?.idle() ?? Promise.resolve()
  }

  private async run(): Promise<void> {
    let attempt = 0
    while (!this.stopping) {
      let failure: LinkFailure
      try {
        const link = await FoxgloveLink.open(this.options.url, {
          certificateFingerprint: this.options.certificateFingerprint,
        })
        if (this.stopping) {
          link.close()
          break
        }
        attempt = 0
        failure = await this.serve(link)
      } catch (error) {
        failure = error instanceof LinkFailure ? error : new LinkFailure('closed', errorText(error))
      }
      if (this.stopping) break
      if (this.firstConnect) {
        // Nothing recorded yet: say why and stop rather than retry a wrong URL forever.
        this.state.state = 'failed'
        this.problem(failure.message)
        this.firstConnect.reject(
          new ConsoleError(
            failure.kind === 'protocol' || failure.kind === 'certificate' || failure.kind === 'unauthorized'
              ? 'unsupported'
              : 'not_found',
            failure.message,
          ),
        )
        this.firstConnect = null
        this.deps.onChange?.()
        return
      }
      const waitMs = backoffMs[Math.min(attempt, backoffMs.length - 1)]!
      attempt++
      this.state.state = 'reconnecting'
      this.state.reconnects++
      this.problem(
        `${failure.message} Retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt}); recording goes on in the same session.`,
      )
      this.deps.onChange?.()
      await sleep(waitMs)
    }
  }

  /** Serves one connection until it closes; resolves with why it closed. */
  private serve(link: FoxgloveLink): Promise<LinkFailure> {
    this.link = link
    this.state.protocol = link.protocol
    const sessionId = link.serverInfo.sessionId ?? null
    if (this.serverSessionId !== null && sessionId !== this.serverSessionId) {
      // The robot restarted: its clock and tf tree start over; the recording goes on.
      this.tf = new TfBuffer()
      this.cameraInfo = null
    }
    this.serverSessionId = sessionId
    this.pairer.reset()
    this.decoders.clear()
    const closed = new Promise<LinkFailure>((resolve) => link.once('close', resolve))
    try {
      this.subscribe(link)
    } catch (error) {
      link.close()
      return Promise.resolve(new LinkFailure('protocol', errorText(error)))
    }
    link.on('message', (channel, data) => this.receive(channel, data))
    link.on('problem', (message) => this.problem(message))
    this.state.state = 'live'
    this.state.message = null
    this.firstConnect?.resolve()
    this.firstConnect = null
    this.deps.onChange?.()
    return closed
  }

  private subscribe(link: FoxgloveLink): void {
    const channels = [...link.channels.values()]
    const listing = channels.map((c) => ({ topic: c.topic, schemaName: c.schemaName }))
    const suggested = suggestTopics(listing)
    const chosen = {
      rgbTopic: this.options.rgbTopic ?? suggested.rgbTopic,
      depthTopic: this.options.depthTopic ?? suggested.depthTopic,
      cameraInfoTopic: this.options.cameraInfoTopic ?? suggested.cameraInfoTopic,
    }
    const find = (topic: string | null, what: string, required: boolean): Channel | null => {
      if (!topic) {
        if (required)
          throw new Error(
            `${link.url} has no ${what} topic that is clearly one; choose it. Topics: ${describeTopics(listing)}.`,
          )
        return null
      }
      const channel = channels.find((c) => c.topic === topic)
      if (!channel)
        throw new Error(`${link.url} does not publish ${topic} (${what}). Topics: ${describeTopics(listing)}.`)
      if (channel.encoding !== 'cdr')
        throw new Error(`${topic} is encoded as ${channel.encoding}; the console reads ROS 2 CDR.`)
      return channel
    }
    const wanted = [
      find(chosen.rgbTopic, 'colour image', true),
      find(chosen.depthTopic, 'depth image', true),
      find(chosen.cameraInfoTopic, 'CameraInfo', false),
    ]
    const tf = channels.filter((c) => tfSchemas.has(c.schemaName) && c.encoding === 'cdr')
    for (const channel of [...wanted, ...tf]) {
      if (!channel) continue
      try {
        this.decoders.set(channel.id, rosReader(channel.schema))
      } catch (error) {
        throw new Error(
          `${channel.topic}: the server's ${channel.schemaName} schema cannot be parsed (${errorText(error)}).`,
        )
      }
      link.subscribe(channel)
    }
    this.state.topics = { ...chosen, tfTopics: tf.map((c) => c.topic), worldFrame: this.options.worldFrame ?? null }
  }

  private receive(channel: Channel, data: Uint8Array): void {
    const decoder = this.decoders.get(channel.id)
    if (!decoder) return
    let message: unknown
    try {
      message = decoder.readMessage(data)
    } catch (error) {
      this.problem(`${channel.topic}: a message does not decode as ${channel.schemaName} (${errorText(error)}).`)
      return
    }
    const { topics } = this.state
    if (tfSchemas.has(channel.schemaName)) {
      for (const transform of (message as { transforms: RosTransformStamped[] }).transforms)
        this.tf.add(transform, channel.topic.endsWith('tf_static'))
      this.tfDirty = true
    } else if (cameraInfoSchemas.has(channel.schemaName) && channel.topic === topics.cameraInfoTopic) {
      this.cameraInfo = message as RosCameraInfo
      this.cameraInfoArrived?.()
    } else if (channel.topic === topics.rgbTopic || channel.topic === topics.depthTopic) {
      const image = message as RosAnyImage
      const stampSec = stampSeconds(image.header.stamp)
      const pairs =
        channel.topic === topics.rgbTopic
          ? this.pairer.pushColour(stampSec, image)
          : this.pairer.pushDepth(stampSec, image)
      const arrivalMs = performance.now()
      for (const [colour, depth] of pairs) {
        this.arrivals.tick(arrivalMs)
        this.enqueue({ colour: colour.item, depth: depth.item, stampSec: depth.stampSec, arrivalMs })
      }
    }
  }

  /**
   * Pairs are recorded one after another, in order. When this computer cannot keep up (disk or
   * CPU), at most `maxBacklog` wait in memory; newer ones are then not recorded, counted and said.
   */
  private enqueue(pair: Pair): void {
    if (this.backlog >= maxBacklog) {
      this.behind++
      this.state.framesRejected++
      if (this.behind === 1 || this.behind % 100 === 0)
        this.problem(
          `Recording is ${maxBacklog} frames behind the robot (this computer is slower than the stream): ${this.behind} frames were not recorded so far.`,
        )
      return
    }
    this.backlog++
    if (this.backlog === backlogWarning)
      this.problem(`Recording is ${backlogWarning} frames behind the robot: the disk or CPU is slower than the stream.`)
    this.writing = this.writing.then(() => this.record(pair)).finally(() => this.backlog--)
  }

  private async record(pair: Pair): Promise<void> {
    if (this.options.maxFrames !== undefined && (this.writer?.frameCount ?? 0) >= this.options.maxFrames) return
    // A session's frames go forward in time: after a reconnect, what the robot sends again is not recorded twice.
    if (pair.stampSec <= this.lastRecordedSec) {
      if (!this.saidReplay)
        this.problem(
          'The robot sent frames older than the last recorded one (did it restart or replay?); they are not recorded again.',
        )
      this.saidReplay = true
      this.state.framesRejected++
      return
    }
    const { topics } = this.state
    let colour: LoadedImage
    let depth: LoadedImage
    try {
      depth = depthFromRos(pair.depth)
    } catch (error) {
      return this.reject(
        `${topics.depthTopic}: ${errorText(error)}. Choose the depth topic (16UC1 or 32FC1 sensor_msgs/msg/Image).`,
      )
    }
    try {
      colour = colourFromRos(pair.colour)
    } catch (error) {
      return this.reject(
        `${topics.rgbTopic}: ${errorText(error)}. Choose a colour topic (rgb8/bgr8/mono8 Image or JPEG/PNG CompressedImage).`,
      )
    }
    if (depth.kind !== 'depth16') return
    const rgb = await decodeRgb({
      kind: 'loaded',
      label: `${topics.rgbTopic} @ ${pair.stampSec.toFixed(6)}`,
      load: async () => colour,
    }).catch((error: unknown) => errorText(error))
    if (typeof rgb === 'string') return this.reject(`${topics.rgbTopic}: ${rgb}`)
    if (!this.writer) {
      const camera = await this.intrinsics(depth.width, depth.height)
      this.writer = await LiveSessionWriter.create(
        {
          libraryDir: this.deps.libraryDir,
          name:
            this.options.name ??
            `Live ${new URL(this.options.url).host} ${(this.deps.now?.() ?? new Date()).toISOString().slice(0, 16).replace('T', ' ')}`,
          sourceUrl: this.options.url,
          camera: { ...camera, width: depth.width, height: depth.height },
          rgbSize: { width: rgb.width, height: rgb.height },
          firstStamp: pair.depth.header.stamp,
        },
        this.deps.store,
      )
      this.state.sessionId = this.writer.id
      this.deps.onChange?.()
    }
    const { camera, rgbSize } = this.writer.session.manifest
    if (depth.width !== camera.width || depth.height !== camera.height)
      return this.reject(
        `${topics.depthTopic}: depth is ${depth.width}×${depth.height}, but this recording's depth is ${camera.width}×${camera.height}; those frames are not recorded.`,
      )
    if (rgb.width !== rgbSize.width || rgb.height !== rgbSize.height)
      return this.reject(
        `${topics.rgbTopic}: colour is ${rgb.width}×${rgb.height}, but this recording's colour is ${rgbSize.width}×${rgbSize.height}; those frames are not recorded.`,
      )
    const worldFromCamera = this.pose(pair.depth.header.frame_id, pair.stampSec)
    const entry = await this.writer.append({
      stamp: pair.depth.header.stamp,
      sourceName: `${pair.depth.header.stamp.sec}.${pair.depth.header.stamp.nanosec.toString().padStart(9, '0')}`,
      rgb: { bytes: rgb.bytes, extension: rgb.extension },
      depthPng: await encodeDepthPng({ width: depth.width, height: depth.height, data: depth.data, png: null }),
      worldFromCamera,
    })
    this.lastRecordedSec = pair.stampSec
    if (worldFromCamera) this.state.posedFrames++
    this.deps.onFrame?.(entry, this.writer.id, pair.arrivalMs)
    this.scheduler?.offer({ sessionId: this.writer.id, index: entry.index, arrivalMs: pair.arrivalMs })
    if (this.options.maxFrames !== undefined && this.writer.frameCount >= this.options.maxFrames) {
      this.stopping = true
      this.link?.close()
    }
  }

  private pose(frameId: string, stampSec: number): number[] | null {
    if (this.tf.size === 0) return null
    if (this.tfDirty) {
      this.tf.finish()
      this.tfDirty = false
    }
    const world = this.options.worldFrame ?? this.tf.rootOf(frameId)
    if (!this.state.topics.worldFrame) this.state.topics.worldFrame = world
    const pose = this.tf.lookup(frameId, world, stampSec, tfMaxGapSec)
    if (typeof pose === 'string') {
      this.problem(`No pose for some frames: ${pose}.`)
      return null
    }
    return pose
  }

  /** CameraInfo intrinsics (waiting briefly for the first), else an assumed field of view, said once. */
  private async intrinsics(width: number, height: number): Promise<PinholeIntrinsics> {
    const topic = this.state.topics.cameraInfoTopic
    if (!this.cameraInfo && topic)
      await Promise.race([new Promise<void>((resolve) => (this.cameraInfoArrived = resolve)), sleep(cameraInfoWaitMs)])
    this.cameraInfoArrived = null
    const info = this.cameraInfo
    if (info && info.k[0] && info.k[4]) {
      const scaleX = width / (info.width || width)
      const scaleY = height / (info.height || height)
      if (scaleX !== 1 || scaleY !== 1)
        this.problem(
          `${topic}: CameraInfo is for ${info.width}×${info.height}, the depth is ${width}×${height}; intrinsics are scaled.`,
        )
      return { fx: info.k[0] * scaleX, fy: info.k[4] * scaleY, cx: info.k[2]! * scaleX, cy: info.k[5]! * scaleY }
    }
    const focal = width / 2 / Math.tan(((assumedFieldOfViewDeg / 2) * Math.PI) / 180)
    this.problem(
      topic
        ? `No CameraInfo arrived on ${topic} within ${cameraInfoWaitMs / 1000} s: recording with an assumed ${assumedFieldOfViewDeg}° field of view (fx = fy = ${focal.toFixed(1)}). Choose the CameraInfo topic if the robot has another.`
        : `The robot has no CameraInfo topic: recording with an assumed ${assumedFieldOfViewDeg}° field of view (fx = fy = ${focal.toFixed(1)}).`,
    )
    return { fx: focal, fy: focal, cx: (width - 1) / 2, cy: (height - 1) / 2 }
  }

  private reject(message: string): void {
    this.state.framesRejected++
    this.problem(message)
  }

  /** Shows `message` now and keeps it in the list once. */
  private problem(message: string): void {
    this.state.message = message
    // Retry and running counters differ each time: list the reason once.
    const key = message.replace(/Retrying in .*$/, '').replace(/\d+ frames were not recorded so far/, '')
    const same = (p: string): boolean =>
      p.replace(/Retrying in .*$/, '').replace(/\d+ frames were not recorded so far/, '') === key
    const at = this.state.problems.findIndex(same)
    if (at >= 0) this.state.problems[at] = message
    else this.state.problems.push(message)
    if (this.state.problems.length > 50) this.state.problems.shift()
    this.deps.onChange?.()
  }
}
