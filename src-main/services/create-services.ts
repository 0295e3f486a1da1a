/**
 * The composition root: builds every service from one config. Both hosts (Electron, browser-mode
 * server), the CLI and the tests call this and nothing else.
 */
import sharp from 'sharp'
import type { AppInfo, ConsoleApi, LogLine, SessionManifest } from '../contract'
import { allowHeapGrowthForFrameStreams } from '../platform/heap-growth'
import type { NativeProcessLauncher } from '../platform/native-process'
import { consolePaths, type ConsolePaths } from '../platform/paths'
import { AppService } from './app/app-service'
import { DataRouter } from './data-router'
import { EventBus } from './event-bus'
import { JobRunner } from './jobs/job-runner'
import { Logger } from './logger'
import { createRecordings, pathPolicyFor, type Recordings } from './recordings/create-recordings'
import type { PathPolicy } from './security/path-policy'
import { sweepLeftovers } from './housekeeping/startup-sweep'
import { createInference } from './inference/create-inference'
import { QueryScoring } from './query/query-scoring'
import { QueryService } from './query/query-service'
import { createMapping } from './mapping/create-mapping'
import { SegmentationService } from './segmentation/segmentation-service'
import { createClasses } from './classes/create-classes'
import { LiveService, type LiveHooks } from './live/live-service'

export interface ServicesConfig {
  host: AppInfo['host']
  version: string
  paths?: ConsolePaths
  /** Print log lines (CLI, server) besides keeping them for the UI. */
  echoLog?: (line: LogLine) => void
  /** Extra folders the Library's file browser may show (also DVE_DATA_ROOTS). */
  dataRoots?: string[]
  /** Starts the native-work process; Electron passes utilityProcess, the default forks a Node child. */
  launchNative?: NativeProcessLauncher
  /** Observers of the live link (`dve bench live` times the user's path through the real service). */
  liveHooks?: LiveHooks
}

export interface Services {
  api: ConsoleApi
  events: EventBus
  data: DataRouter
  jobs: JobRunner
  logger: Logger
  paths: ConsolePaths
  /** What requests may read and write (docs/SECURITY.md); the Electron host grants dialog picks here. */
  policy: PathPolicy
  /** The library's store and frame reader (the robot simulator reads sessions directly). */
  recordings: Recordings
  live: LiveService
  dispose(): Promise<void>
}

/** How long shutdown waits for cancelled jobs to return (a big map's checkpoint takes seconds). */
const jobDrainMs = 60_000

export async function createServices(config: ServicesConfig): Promise<Services> {
  // libvips keeps the last 100 operations (up to 50 MB) for reuse; the console never repeats one
  // (every frame is new bytes; a live link encodes 60 images a second), so that cache only holds memory.
  sharp.cache(false)
  allowHeapGrowthForFrameStreams()
  const paths = config.paths ?? consolePaths()
  const events = new EventBus()
  const logger = new Logger(events, config.echoLog ?? null)
  const data = new DataRouter()
  const jobs = new JobRunner(events)
  const disposers: Array<() => Promise<void>> = []

  // What an interrupted run left behind (killed import, half-written files) goes before anything reads the library.
  for (const item of await sweepLeftovers(paths.home, paths.sessions)) {
    logger.warn('startup', `Removed ${item.why}: ${item.path} (${(item.bytes / 2 ** 20).toFixed(1)} MB).`)
  }
  const policy = pathPolicyFor(config.host, paths, config.dataRoots ?? [])
  const recordings = createRecordings({ host: config.host, paths, data, jobs, events, logger, policy })
  const inference = createInference({
    paths,
    frames: recordings.frameReader,
    jobs,
    data,
    events,
    logger,
    launchNative: config.launchNative,
    onNativeStatus: () => void app.info().then((info) => events.emit('appInfo', info)),
  })
  disposers.push(inference.dispose)
  await inference.init() // a folder scan and settings: the status bar and `dve version` name the pack from the start

  const app = new AppService(
    {
      host: config.host,
      version: config.version,
      activeModel: () => inference.models.activeModelName(),
      executionProvider: () => inference.models.executionProvider(),
      nativeWork: () => inference.client.status(),
    },
    logger,
  )
  inference.models.onActivePackChanged(() => void app.info().then((info) => events.emit('appInfo', info)))
  // The UI hosts load the active pack at start so the status bar shows it; the CLI loads it on first use.
  if (config.host === 'electron' || config.host === 'browser') {
    void inference.models
      .ensureLoaded()
      .catch((error: unknown) => logger.warn('models', error instanceof Error ? error.message : String(error)))
  }

  // A session's manifest from the store: not the sessions service's detail, whose folder size walks
  // every frame file (a live map step asks each 10 s, and a live session grows by 30 frames a second).
  const manifest = async (id: string): Promise<SessionManifest> => (await recordings.store.get(id)).manifest
  // One scoring module for Ask and the map: the same negatives, temperature and threshold everywhere.
  const scoring = new QueryScoring({
    embeddings: inference.inference,
    vocabulary: () => classes.heads,
    packs: inference.models,
  })
  const map = createMapping({
    home: paths.home,
    frames: recordings.frameReader,
    embeddings: inference.inference,
    scoring,
    jobs,
    events,
    data,
    manifest,
    allowFileExport: config.host !== 'browser',
    policy,
    classHeads: () => classes.heads,
    loadModel: () => inference.models.ensureLoaded().then((pack) => pack.modelId),
  })
  // Ask: the ports are filled in as the recordings, inference and mapping services are wired.
  const query = new QueryService({
    frames: recordings.frameReader,
    embeddings: inference.inference,
    scorer: inference.inference,
    prompt: inference.inference,
    map,
    scoring,
    manifest,
    jobs,
    data,
    paths,
  })

  const classes = createClasses({
    home: paths.home,
    frames: recordings.frameReader,
    embeddings: inference.inference,
    scorer: inference.inference,
    packs: inference.models,
    manifest,
    jobs,
    data,
    allowFileAccess: config.host !== 'browser',
    policy,
    probeTrainer: inference.client,
  })
  const segmentation = new SegmentationService({
    frames: recordings.frameReader,
    scorer: inference.inference,
    heads: classes.heads,
    catalog: classes.heads,
    modelId: () => inference.inference.activeModelId(),
    jobs,
    data,
    allowFileExport: config.host !== 'browser',
    policy,
  })

  const live = new LiveService({
    libraryDir: paths.sessions,
    store: recordings.store,
    events,
    logger,
    keepFrame: (session, frameIndex, images) => recordings.frameReader.keepLiveFrame(session, frameIndex, images),
    embedder: () =>
      inference.models.activePack()
        ? async (sessionId, index, timestampSec) => {
            const map = await inference.inference.frameEmbeddings(sessionId, index)
            // The live view's heatmap in the same model turn: its request would wait behind the next frame.
            await query.scoreAhead(sessionId, index).catch(() => undefined)
            // Ask's index takes the frame beside the next model turn, off the heatmap's path.
            setImmediate(() => {
              try {
                query.indexLiveFrame(sessionId, index, timestampSec, map)
              } catch (error) {
                logger.warn('query', `Live frame ${index} not indexed for Ask: ${String(error)}`)
              }
            })
          }
        : null,
    askIndex: { end: (sessionId) => query.endLiveIndex(sessionId) },
    liveMap: {
      grow: (sessionId, embedded) => map.growLive(sessionId, embedded),
      end: (sessionId, embedded) => map.endLive(sessionId, embedded),
    },
    hooks: config.liveHooks,
  })
  disposers.push(() => live.dispose())

  // A deleted session's embedding index entries and loaded maps go with its files.
  recordings.data.onDelete(async (sessionId) => {
    await inference.inference.clearCache({ sessionId })
    await map.delete({ sessionId })
  })

  const api: ConsoleApi = {
    app,
    jobs,
    query,
    map,
    segmentation,
    classes: classes.service,
    sessions: recordings.service,
    models: inference.models,
    inference: inference.inference,
    live,
  }

  return {
    api,
    events,
    data,
    jobs,
    logger,
    paths,
    policy,
    recordings,
    live,
    async dispose() {
      jobs.cancelAll()
      // Cancelled jobs stop between units of work and clean up (map checkpoint, import folder) first.
      const idle = await jobs.whenIdle(jobDrainMs)
      if (!idle)
        logger.warn('jobs', `Jobs still running after ${jobDrainMs / 1000} s of shutdown; stopping their workers.`)
      for (const dispose of disposers.reverse()) await dispose()
    },
  }
}
