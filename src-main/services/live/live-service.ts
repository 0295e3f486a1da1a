/**
 * The `live` service: one robot link at a time (LiveSource), its status pushed as `live` events a
 * few times a second, the recorded frames for the Player, and the live map: while posed frames
 * arrive, the session's resident map grows every few seconds by the frames recorded since, and ends
 * (saved) with the link.
 */
import {
  ConsoleError,
  liveConnectSchema,
  type InputOf,
  type LiveStatus,
  type LiveTopicListing,
  type ServiceApi,
  type SessionFrame,
  type liveSpec,
} from '../../contract'
import type { EventBus } from '../event-bus'
import type { Logger } from '../logger'
import type { SessionStore } from '../recordings/session-store'
import { isDiskFull } from '../../platform/disk-full'
import { FoxgloveLink, LinkFailure } from './foxglove-link'
import { LiveSource, type LiveSourceDeps } from './live-source'
import { recordingRoom } from './recording-space'
import { suggestTopics } from './topic-choice'

type Spec = typeof liveSpec

/** What benchmarks and tests may observe of a live link. */
export type LiveHooks = Pick<LiveSourceDeps, 'onFrame' | 'onModelStart' | 'onEmbedded'>

export interface LiveServiceDeps {
  libraryDir: string
  store: SessionStore
  events: EventBus
  logger: Logger
  /** Takes each recorded frame's decoded images (the frame reader keeps the newest for the model). */
  keepFrame?: LiveSourceDeps['keepFrame']
  /** Embeds one recorded frame (writes the embedding cache); null = no model pack is active. */
  embedder: () => ((sessionId: string, frameIndex: number, timestampSec: number) => Promise<void>) | null
  /** The live session's map: grown by the frames recorded since the last step, ended with the link. */
  /** Ask's index of the live session, filled as the model embeds: kept as the session's when the link ends. */
  askIndex?: { end: (sessionId: string) => Promise<void> }
  liveMap: {
    grow: (sessionId: string, embedded: readonly number[]) => Promise<void>
    end: (sessionId: string, embedded: readonly number[]) => Promise<void>
  }
  /** How often the live map grows (default 10 s). */
  mapEveryMs?: number
  /** Hooks for benchmarks and tests. */
  hooks?: LiveHooks
}

/** Status events at most this often. */
const statusEveryMs = 250

export class LiveService implements ServiceApi<Spec> {
  private source: LiveSource | null = null
  private statusTimer: ReturnType<typeof setInterval> | null = null
  private mapTimer: ReturnType<typeof setInterval> | null = null
  private lastSessionId: string | null = null
  /** The live map's step in progress: steps never overlap, and the link's end waits for it. */
  private mapStep: Promise<void> | null = null
  private stopping: Promise<LiveStatus> | null = null
  /** Frames the model embedded since the last map step: the map fuses those rather than embed others. */
  private embedded: number[] = []

  constructor(private readonly deps: LiveServiceDeps) {}

  async topics({ url, certificateFingerprint }: InputOf<Spec['topics']>): Promise<LiveTopicListing> {
    let link: FoxgloveLink
    try {
      link = await FoxgloveLink.open(url, { certificateFingerprint, timeoutMs: 5_000 })
    } catch (error) {
      throw error instanceof LinkFailure
        ? new ConsoleError(
            error.kind === 'unreachable' || error.kind === 'timeout' ? 'not_found' : 'unsupported',
            error.message,
          )
        : error
    }
    try {
      const topics = [...link.channels.values()]
        .map((c) => ({ topic: c.topic, schemaName: c.schemaName }))
        .sort((a, b) => a.topic.localeCompare(b.topic))
      return {
        url,
        protocol: link.protocol,
        serverName: link.serverInfo.name,
        topics,
        suggested: suggestTopics(topics),
        recordsTo: await recordingRoom(this.deps.libraryDir),
      }
    } finally {
      link.close()
    }
  }

  async connect(raw: InputOf<Spec['connect']>): Promise<LiveStatus> {
    const options = liveConnectSchema.parse(raw)
    if (this.source && ['connecting', 'live', 'reconnecting'].includes(this.source.status().state))
      throw new ConsoleError('conflict', `Already connected to ${this.source.status().url}; stop that link first.`)
    const embed = this.deps.embedder()
    this.embedded = []
    const source = new LiveSource(options, {
      libraryDir: this.deps.libraryDir,
      store: this.deps.store,
      keepFrame: this.deps.keepFrame,
      embed:
        embed &&
        (async (sessionId, index, timestampSec) => {
          await embed(sessionId, index, timestampSec)
          this.embedded.push(index)
        }),
      onChange: () => this.emitStatus(),
      ...this.deps.hooks,
    })
    this.source = source
    this.stopping = null
    this.startTimers()
    try {
      await source.start()
    } catch (error) {
      this.stopTimers()
      this.emitStatus()
      throw error
    }
    this.deps.logger.info('live', `Connected to ${options.url} (${source.status().protocol}).`)
    void source.finished().then(async () => {
      // maxFrames reached: finish the recording as a stop would.
      if (this.source === source && source.status().state !== 'stopped' && source.status().state !== 'failed')
        await this.stop()
    })
    return source.status()
  }

  async status(): Promise<LiveStatus | null> {
    return this.source?.status() ?? null
  }

  async stop(): Promise<LiveStatus | null> {
    const source = this.source
    if (!source) return null
    // The link's own end (maxFrames, or a stop closing it) and a user's stop can come together: one runs.
    this.stopping ??= this.stopSource(source)
    return this.stopping
  }

  private async stopSource(source: LiveSource): Promise<LiveStatus> {
    this.stopTimers()
    const status = await source.stop()
    this.emitStatus()
    await this.mapStep
    if (status.sessionId && status.posedFrames > 0)
      await this.deps.liveMap
        .end(status.sessionId, this.embedded.splice(0))
        .catch((error: unknown) => this.mapWarning(error))
    if (status.sessionId)
      await this.deps.askIndex
        ?.end(status.sessionId)
        .catch((error: unknown) =>
          this.deps.logger.warn('live', `The live session's Ask index was not saved: ${String(error)}`),
        )
    if (status.sessionId) {
      this.deps.logger.info(
        'live',
        `Stopped; ${status.framesRecorded} frames recorded in session "${status.sessionId}".`,
      )
      this.deps.events.emit('changed', { service: 'sessions', id: status.sessionId })
    }
    return status
  }

  async frames({ sessionId, from }: InputOf<Spec['frames']>): Promise<SessionFrame[]> {
    const { manifest } = await this.deps.store.get(sessionId)
    return manifest.frames.slice(from)
  }

  /** Whether a live-map step is running now (the live bench's memory notes). */
  mapStepRunning(): boolean {
    return this.mapStep !== null
  }

  /** The running source (the CLI waits on it). */
  current(): LiveSource | null {
    return this.source
  }

  async dispose(): Promise<void> {
    if (this.source) await this.stop()
  }

  private emitStatus(): void {
    const status = this.source?.status()
    if (!status) return
    if (status.sessionId && status.sessionId !== this.lastSessionId) {
      this.lastSessionId = status.sessionId
      this.deps.events.emit('changed', { service: 'sessions', id: status.sessionId })
    }
    this.deps.events.emit('live', status)
  }

  private startTimers(): void {
    this.stopTimers()
    this.statusTimer = setInterval(() => this.emitStatus(), statusEveryMs)
    this.mapTimer = setInterval(() => {
      this.mapStep ??= this.growMap(this.source?.status().sessionId ?? null).finally(() => (this.mapStep = null))
    }, this.deps.mapEveryMs ?? 10_000)
  }

  private stopTimers(): void {
    if (this.statusTimer) clearInterval(this.statusTimer)
    if (this.mapTimer) clearInterval(this.mapTimer)
    this.statusTimer = this.mapTimer = null
  }

  private async growMap(sessionId: string | null): Promise<void> {
    if (!sessionId || (this.source?.status().posedFrames ?? 0) === 0) return
    await this.deps.liveMap.grow(sessionId, this.embedded.splice(0)).catch((error: unknown) => this.mapWarning(error))
  }

  private mapWarning(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error)
    this.deps.logger.warn(
      'live',
      // The fused frames stay in the map's memory; only its save failed, and the next one retries.
      isDiskFull(error)
        ? `The live map could not be saved: ${reason} It goes on in memory and is saved at a later step.`
        : `The live map did not grow: ${reason}`,
    )
  }
}
