/** Builds the models and inference services around the one native-work process, for create-services.ts. */
import { ConsoleError, type NativeWorkStatus } from '../../contract'
import type { NativeProcessLauncher } from '../../platform/native-process'
import type { ConsolePaths } from '../../platform/paths'
import type { DataRouter } from '../data-router'
import type { EventBus } from '../event-bus'
import type { JobRunner } from '../jobs/job-runner'
import type { Logger } from '../logger'
import type { FrameReader } from '../ports'
import { CompactTier, type CacheTier } from './compact-tier'
import { EmbeddingCache } from './embedding-cache'
import { InferenceService } from './inference-service'
import { ModelSettingsFile } from './model-settings'
import { ModelsService } from './models-service'
import { probeProviderHost } from './provider-host'
import type { ProviderHost } from './provider-options'
import { ProviderPlanner } from './provider-planner'
import { InferenceWorkerClient } from './worker-client'

export interface InferenceDeps {
  paths: ConsolePaths
  frames: FrameReader
  jobs: JobRunner
  data: DataRouter
  events: EventBus
  logger: Logger
  /** Disk budget of the embedding cache until the remembered one is read by init() (default 4 GiB). */
  cacheBudgetBytes?: number
  /** Widest embedding map kept per frame (default 160, the 1/4 resolution of 640×480). */
  maxMapWidth?: number
  /** Facts about the providers here (tests pass their own; default: probed once on first load). */
  providerHost?: () => ProviderHost
  /** What the cache stores per frame (default 'auto': int8 codes on GPU providers, fp16 on the CPU). */
  cacheTier?: CacheTier | 'auto'
  /** Starts the native-work process (Electron passes utilityProcess; tests reach the process through it). */
  launchNative?: NativeProcessLauncher
  /** Told when the native-work process dies and is restarted. */
  onNativeStatus?: (status: NativeWorkStatus) => void
}

export interface Inference {
  /** Scans the model folders and applies the remembered settings. */
  init(): Promise<void>
  models: ModelsService
  inference: InferenceService
  /** The native-work process, for probe training and benchmarks that time bare runs. */
  client: InferenceWorkerClient
  dispose(): Promise<void>
}

export function createInference(deps: InferenceDeps): Inference {
  const client = new InferenceWorkerClient({
    log: deps.logger,
    launch: deps.launchNative,
    onStatus: deps.onNativeStatus,
  })
  const settings = new ModelSettingsFile(deps.paths.home, (message) => deps.logger.warn('models', message))
  const planner = new ProviderPlanner({
    cacheDir: deps.paths.cache,
    host: deps.providerHost ?? (() => probeProviderHost()),
    jobs: deps.jobs,
  })
  const models = new ModelsService({
    planner,
    shippedModels: deps.paths.shippedModels,
    userModels: deps.paths.userModels,
    settings,
    client,
    log: deps.logger,
    onChanged: () => deps.events.emit('changed', { service: 'models' }),
    maxMapWidth: deps.maxMapWidth ?? 160,
  })
  const cache = new EmbeddingCache(deps.paths.cache, deps.cacheBudgetBytes ?? 4 * 2 ** 30, (file, reason) =>
    deps.logger.warn('inference', `Dropped corrupt cache entry ${file}: ${reason}.`),
  )
  const tier = new CompactTier({
    cacheDir: deps.paths.cache,
    client,
    loadOnProviders: (key, path) => models.loadDerived(key, path),
  })
  const inference = new InferenceService({
    models,
    client,
    cache,
    frames: deps.frames,
    jobs: deps.jobs,
    settings,
    tier,
    cacheTier: deps.cacheTier ?? 'auto',
    warn: (message) => deps.logger.warn('inference', message),
  })
  deps.data.register('inference/:sessionId/:frameIndex/pca', async (params) => ({
    body: await inference.pcaImage(params.sessionId as string, frameIndexParam(params.frameIndex as string)),
    contentType: 'image/png',
  }))
  return {
    models,
    inference,
    client,
    init: async () => {
      await models.init()
      await inference.init()
    },
    // Cache writes nobody awaited finish first: a quit right after a live frame keeps its entry.
    dispose: () => cache.idle().then(() => client.dispose()),
  }
}

function frameIndexParam(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0)
    throw new ConsoleError('invalid_input', `Frame index "${text}" is not a non-negative integer.`)
  return value
}
