/**
 * The composition root: builds every service from one config. Both hosts (Electron, browser-mode
 * server), the CLI and the tests call this and nothing else.
 */
import type { AppInfo, ConsoleApi, LogLine } from '../contract'
import { consolePaths, type ConsolePaths } from '../platform/paths'
import { AppService } from './app/app-service'
import { DataRouter } from './data-router'
import { EventBus } from './event-bus'
import { JobRunner } from './jobs/job-runner'
import { Logger } from './logger'
import { browseRoots, createRecordings } from './recordings/create-recordings'
import { createInference } from './inference/create-inference'
import { QueryService } from './query/query-service'
import { createMapping } from './mapping/create-mapping'
import { SegmentationService } from './segmentation/segmentation-service'
import { createClasses } from './classes/create-classes'

export interface ServicesConfig {
  host: AppInfo['host']
  version: string
  paths?: ConsolePaths
  /** Print log lines (CLI, server) besides keeping them for the UI. */
  echoLog?: (line: LogLine) => void
  /** Extra folders the Library's file browser may show (also DVE_DATA_ROOTS). */
  dataRoots?: string[]
}

export interface Services {
  api: ConsoleApi
  events: EventBus
  data: DataRouter
  jobs: JobRunner
  logger: Logger
  paths: ConsolePaths
  dispose(): Promise<void>
}

export async function createServices(config: ServicesConfig): Promise<Services> {
  const paths = config.paths ?? consolePaths()
  const events = new EventBus()
  const logger = new Logger(events, config.echoLog ?? null)
  const data = new DataRouter()
  const jobs = new JobRunner(events)
  const disposers: Array<() => Promise<void>> = []

  const recordings = createRecordings({ host: config.host, paths, data, jobs, events, logger, dataRoots: config.dataRoots })
  const inference = createInference({ paths, frames: recordings.frameReader, jobs, data, events, logger })
  disposers.push(inference.dispose)
  await inference.init() // a folder scan and settings: the status bar and `dve version` name the pack from the start

  const app = new AppService(
    {
      host: config.host, version: config.version,
      activeModel: () => inference.models.activeModelName(), executionProvider: () => inference.models.executionProvider(),
    },
    logger,
  )
  inference.models.onActivePackChanged(() => void app.info().then((info) => events.emit('appInfo', info)))
  // The UI hosts load the active pack at start so the status bar shows it; the CLI loads it on first use.
  if (config.host === 'electron' || config.host === 'browser') {
    void inference.models.ensureLoaded().catch((error: unknown) => logger.warn('models', error instanceof Error ? error.message : String(error)))
  }

  const map = createMapping({
    home: paths.home, frames: recordings.frameReader, embeddings: inference.inference, jobs, events, data,
    manifest: async (id) => (await recordings.service.get({ id })).manifest, allowFileExport: config.host !== 'browser',
    classHeads: () => classes.heads, loadModel: () => inference.models.ensureLoaded().then((pack) => pack.modelId),
  })
  // Ask: the ports are filled in as the recordings, inference and mapping services are wired.
  const query = new QueryService({ frames: recordings.frameReader, embeddings: inference.inference, scorer: inference.inference, prompt: inference.inference, map, vocabulary: () => classes.heads, packs: inference.models, jobs, data, paths })

  const classes = createClasses({
    home: paths.home, frames: recordings.frameReader, embeddings: inference.inference, scorer: inference.inference, packs: inference.models,
    manifest: async (id) => (await recordings.service.get({ id })).manifest, jobs, data, allowFileAccess: config.host !== 'browser',
    allowedRoots: browseRoots(paths, config.dataRoots ?? []),
  })
  disposers.push(classes.dispose)
  const segmentation = new SegmentationService({
    frames: recordings.frameReader, scorer: inference.inference, heads: classes.heads, catalog: classes.heads,
    modelId: () => inference.inference.activeModelId(), jobs, data, allowFileExport: config.host !== 'browser',
  })

  const api: ConsoleApi = { app, jobs, query, map, segmentation, classes: classes.service, sessions: recordings.service, models: inference.models, inference: inference.inference }

  return {
    api, events, data, jobs, logger, paths,
    async dispose() {
      jobs.cancelAll()
      for (const dispose of disposers.reverse()) await dispose()
    },
  }
}
