/** Builds the recording library's parts (store, frame reader, routes, imports, service) for create-services.ts. */
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { AppInfo } from '../../contract'
import type { ConsolePaths } from '../../platform/paths'
import type { DataRouter } from '../data-router'
import type { EventBus } from '../event-bus'
import type { JobRunner } from '../jobs/job-runner'
import type { Logger } from '../logger'
import { FileBrowser } from './file-browser'
import { PathPolicy } from '../security/path-policy'
import { registerFrameRoutes } from './frame-routes'
import { ImportJobs, type Importer } from './import-jobs'
import * as formatReaders from './import'
import { SessionData } from './session-data'
import { SessionFrameReader } from './session-frame-reader'
import { SessionStore } from './session-store'
import { SessionsService } from './sessions-service'
import { Thumbnails } from './thumbnails'

/** Id and folder of the built-in demo recording (docs/FORMATS.md §1). */
export const demoSessionId = 'demo-apartment'
export const demoSessionFolder = 'demo-recording'

export interface RecordingsDeps {
  host: AppInfo['host']
  paths: ConsolePaths
  data: DataRouter
  jobs: JobRunner
  events: EventBus
  logger: Logger
  /** Extra folders the file browser may show (besides home and resources), e.g. a data disk. */
  dataRoots?: string[]
  /** The format readers; the real ones unless a test passes fakes. */
  importer?: Importer
  /** What requests may read and write; built from the host and roots when not given. */
  policy?: PathPolicy
}

export interface Recordings {
  service: SessionsService
  frameReader: SessionFrameReader
  store: SessionStore
  /** Where each session's derived data lives; services register how to forget it on delete. */
  data: SessionData
}

export function createRecordings(deps: RecordingsDeps): Recordings {
  const store = new SessionStore(deps.paths.sessions, [join(deps.paths.resources, demoSessionFolder)])
  const frameReader = new SessionFrameReader(store)
  registerFrameRoutes(deps.data, store, frameReader, new Thumbnails())
  const policy = deps.policy ?? pathPolicyFor(deps.host, deps.paths, deps.dataRoots ?? [])
  const browser = new FileBrowser(policy)
  const imports = new ImportJobs(
    deps.importer ?? formatReaders,
    deps.jobs,
    deps.paths.sessions,
    deps.events,
    deps.logger,
    policy.mode === 'browser',
  )
  const data = new SessionData(deps.paths)
  const service = new SessionsService({
    store,
    reader: frameReader,
    browser,
    imports,
    events: deps.events,
    logger: deps.logger,
    data,
  })
  return { service, frameReader, store, data }
}

/** The folders the operator named for data: `--data-root` and `DVE_DATA_ROOTS` (path-list, like PATH). */
function configuredDataRoots(configured: string[]): string[] {
  return [...configured, ...(process.env.DVE_DATA_ROOTS ?? '').split(delimiter).filter(Boolean)]
}

/** Home, the shipped resources and the configured data roots. */
export function browseRoots(paths: ConsolePaths, configured: string[]): string[] {
  return [homedir(), paths.resources, ...configuredDataRoots(configured)]
}

/**
 * The host's path policy: browser mode reads inside the browse roots; Electron reads what the user
 * picked plus the data folder and resources; the CLI reads what it is given. Writes: the data folder,
 * and in browser mode also the data roots the operator named (exports land there; never home at large).
 */
export function pathPolicyFor(host: AppInfo['host'], paths: ConsolePaths, dataRoots: string[]): PathPolicy {
  const readRoots =
    host === 'browser' ? browseRoots(paths, dataRoots) : [paths.home, paths.resources, paths.shippedModels]
  const writeRoots = host === 'browser' ? [paths.home, ...configuredDataRoots(dataRoots)] : [paths.home]
  return new PathPolicy({ mode: host === 'test' ? 'cli' : host, readRoots, writeRoots })
}
