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
import type { SessionStore, StoredSession } from '../recordings/session-store'
import type { LiveFrameImages } from '../recordings/session-frame-reader'
import { stampSeconds, type RosAnyImage } from '../recordings/import/ros-images'
import { LiveTf } from './live-tf'
import type { RosTransformStamped } from '../recordings/import/tf-buffer'
import { liveIntrinsics, type RosCameraInfo } from './camera-intrinsics'
import { FoxgloveLink, LinkFailure, type Channel } from './foxglove-link'
import { LatestFrameScheduler } from './latest-frame-scheduler'
import { livePairImages, pairSizeProblem } from './live-pair-images'
import { LiveSessionWriter } from './live-session-writer'
import { subscribeLiveTopics, type RosReader } from './live-subscription'
import { currentLiveStatus, initialLiveStatus } from './live-status'
import { listProblem } from './problem-list'
import { RateMeter } from './rate-meter'
import { RecordQueue } from './record-queue'
import { RecordingSpace } from './recording-space'
import { StampPairer } from './stamp-pairing'
import { cameraInfoSchemas, tfSchemas } from './topic-choice'

export interface LiveSourceDeps {
  libraryDir: string
  store: SessionStore | null
  /** Takes a recorded frame's decoded images, so the model need not read and decode its files again. */
  keepFrame?: (session: StoredSession, frameIndex: number, images: LiveFrameImages) => void
  /** Runs the model on a recorded frame; null when there is no model to run. */
  embed: ((sessionId: string, frameIndex: number, timestampSec: number) => Promise<void>) | null
  /** A frame was recorded (`arrivalMs`: performance.now() when its pair was complete). */
  onFrame?: (frame: SessionFrame, sessionId: string, arrivalMs: number) => void
  /** The model started on a frame (it waited from onFrame until here). */
  onModelStart?: (frameIndex: number, sessionId: string) => void
  /** The model finished a frame. */
  onEmbedded?: (frameIndex: number, sessionId: string, arrivalMs: number) => void
  /** The state changed in a way worth telling at once (connected, lost, failed, stopped). */
  onChange?: () => void
  now?: () => Date
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
  private readonly tf = new LiveTf()
  private cameraInfo: RosCameraInfo | null = null
  private cameraInfoArrived: (() => void) | null = null
  private writer: LiveSessionWriter | null = null
  private readonly recording: RecordQueue<Pair>
  private readonly scheduler: LatestFrameScheduler<{ sessionId: string; frame: SessionFrame; arrivalMs: number }> | null
  private readonly arrivals = new RateMeter()
  private readonly embeddings = new RateMeter()
  private readonly space = new RecordingSpace()
  private decoders = new Map<number, RosReader>()
  private serverSessionId: string | null = null
  private lastRecordedSec = Number.NEGATIVE_INFINITY
  /** Arrival of the newest pair handed to the recorder. */
  private newestQueuedMs = Number.NEGATIVE_INFINITY
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
    this.recording = new RecordQueue((pair) => this.record(pair), {
      max: maxBacklog,
      warnAt: backlogWarning,
      onBehind: (waiting) =>
        this.problem(`Recording is ${waiting} frames behind the robot: the disk or CPU is slower than the stream.`),
      onRefused: (refused) => {
        this.state.framesRejected++
        if (refused === 1 || refused % 100 === 0)
          this.problem(
            `Recording is ${maxBacklog} frames behind the robot (this computer is slower than the stream): ${refused} frames were not recorded so far.`,
          )
      },
      onError: (error) => {
        this.state.framesRejected++
        const full = this.writer && this.space.failed(error, this.writer.session.dir, this.writer.frameCount)
        this.problem(full || `A live frame could not be recorded: ${errorText(error)}`)
      },
    })
    this.scheduler = deps.embed
      ? new LatestFrameScheduler(
          async (job) => {
            const { sessionId, frame, arrivalMs } = job
            deps.onModelStart?.(frame.index, sessionId)
            await deps.embed!(sessionId, frame.index, frame.timestampSec)
            // Counted at the frame's arrival: the embedded frames are a subset of the arrivals, so the rates compare.
            this.embeddings.tick(arrivalMs)
            this.state.model.latestFrameIndex = frame.index
            deps.onEmbedded?.(frame.index, sessionId, arrivalMs)
            // The views ask for the new frame's heatmap now, not at the next status tick (up to 250 ms later).
            deps.onChange?.()
          },
          (error) => {
            this.state.model.state = 'failed'
            this.problem(`The model failed on a live frame: ${errorText(error)}`)
          },
          // A pair newer than the waiting frame is in the recorder: at 30 fps it is ready in a few ms.
          { newerComing: (job) => this.newestQueuedMs > job.arrivalMs, newerWaitMs: 25 },
        )
      : null
    this.state = initialLiveStatus(
      options,
      this.options.pairToleranceMs,
      deps.embed !== null,
      deps.now?.() ?? new Date(),
    )
  }

  /** Connects; resolves once live, rejects (with the one clear reason) when the first attempt fails. */
  start(): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => (this.firstConnect = { resolve, reject }))
    this.running = this.run()
    return connected
  }

  status(): LiveStatus {
    return currentLiveStatus(this.state, {
      framesRecorded: this.writer?.frameCount ?? 0,
      pairing: { toleranceMs: this.options.pairToleranceMs, ...this.pairer.counts },
      arrivalFps: this.arrivals.perSecond(),
      modelFps: this.embeddings.perSecond(),
      scheduled: this.scheduler?.counts ?? null,
    })
  }

  /** Stops the link, writes what is pending and closes the recording. */
  async stop(): Promise<LiveStatus> {
    this.stopping = true
    this.link?.close()
    await this.running
    await this.recording.idle()
    await this.scheduler?.stop()
    const note = await this.writer?.close()
    if (note) this.problem(note)
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
      this.tf.reset()
      this.cameraInfo = null
    }
    this.serverSessionId = sessionId
    this.pairer.reset()
    this.decoders = new Map()
    const closed = new Promise<LinkFailure>((resolve) => link.once('close', resolve))
    try {
      const subscription = subscribeLiveTopics(link, this.options)
      this.decoders = subscription.decoders
      this.state.topics = { ...subscription.topics, worldFrame: this.options.worldFrame ?? null }
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
      this.tf.add((message as { transforms: RosTransformStamped[] }).transforms, channel.topic.endsWith('tf_static'))
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
        if (this.recording.push({ colour: colour.item, depth: depth.item, stampSec: depth.stampSec, arrivalMs }))
          this.newestQueuedMs = arrivalMs
      }
    }
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
    const images = await livePairImages(pair.colour, pair.depth, topics, pair.stampSec)
    if (typeof images === 'string') return this.reject(images)
    const { rgb, depth, depthPng } = images
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
    const sizeProblem = pairSizeProblem(images, this.writer.session.manifest, topics)
    if (sizeProblem) return this.reject(sizeProblem)
    const worldFromCamera = this.pose(pair.depth.header.frame_id, pair.stampSec)
    const entry = await this.writer.append({
      stamp: pair.depth.header.stamp,
      sourceName: `${pair.depth.header.stamp.sec}.${pair.depth.header.stamp.nanosec.toString().padStart(9, '0')}`,
      rgb: { bytes: rgb.bytes, extension: rgb.extension },
      depthPng,
      worldFromCamera,
    })
    this.lastRecordedSec = pair.stampSec
    this.deps.keepFrame?.(this.writer.session, entry.index, {
      depth,
      rgb: rgb.pixels ? { width: rgb.width, height: rgb.height, data: rgb.pixels } : null,
    })
    if (worldFromCamera) this.state.posedFrames++
    this.deps.onFrame?.(entry, this.writer.id, pair.arrivalMs)
    this.scheduler?.offer({ sessionId: this.writer.id, frame: entry, arrivalMs: pair.arrivalMs })
    const space = await this.space.recorded(this.writer.session.dir, rgb.bytes.length + depthPng.length)
    if (space?.kind === 'low') this.problem(space.text)
    else if (space) this.tell(space.text)
    if (this.options.maxFrames !== undefined && this.writer.frameCount >= this.options.maxFrames) {
      this.stopping = true
      this.link?.close()
    }
  }

  private pose(frameId: string, stampSec: number): number[] | null {
    if (this.tf.empty) return null
    const world = this.options.worldFrame ?? this.tf.rootOf(frameId)
    if (!this.state.topics.worldFrame) this.state.topics.worldFrame = world
    const pose = this.tf.lookup(frameId, world, stampSec)
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
    const { camera, note } = liveIntrinsics(this.cameraInfo, width, height, topic, cameraInfoWaitMs / 1000)
    if (note) this.problem(note)
    return camera
  }

  private reject(message: string): void {
    this.state.framesRejected++
    this.problem(message)
  }

  /** Shows `message` now and keeps it in the list once. */
  private problem(message: string): void {
    listProblem(this.state.problems, message)
    this.tell(message)
  }

  /** Shows `message` now (news, not a problem to keep). */
  private tell(message: string): void {
    this.state.message = message
    this.deps.onChange?.()
  }
}
