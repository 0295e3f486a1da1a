/**
 * The whole console API: one spec per service. Renderer, CLI and hosts all derive their types from
 * this table, and hosts validate inputs with its schemas. Adding a method touches only this folder
 * and the service that implements it.
 */
import type { ServiceApi } from './rpc'
import { appSpec } from './app'
import { jobsSpec } from './jobs'
import { sessionsSpec } from './sessions'
import { modelsSpec } from './models'
import { inferenceSpec } from './inference'
import { querySpec } from './query'
import { mapSpec } from './map'
import { segmentationSpec } from './segmentation'
import { classesSpec } from './classes'
import { liveSpec } from './live'

export const contract = {
  app: appSpec,
  jobs: jobsSpec,
  sessions: sessionsSpec,
  models: modelsSpec,
  inference: inferenceSpec,
  query: querySpec,
  map: mapSpec,
  segmentation: segmentationSpec,
  classes: classesSpec,
  live: liveSpec,
} as const

export type Contract = typeof contract
export type ServiceName = keyof Contract
export type ConsoleApi = { [S in ServiceName]: ServiceApi<Contract[S]> }
