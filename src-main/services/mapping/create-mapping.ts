/** Builds the map service and its data routes, for create-services.ts. */
import { join } from 'node:path'
import { ConsoleError, type SessionManifest } from '../../contract'
import type { DataRouter } from '../data-router'
import type { EventBus } from '../event-bus'
import type { JobRunner } from '../jobs/job-runner'
import type { ClassHeadProvider, EmbeddingProvider, FrameReader } from '../ports'
import type { QueryScoring } from '../query/query-scoring'
import type { FusionEngine, FusionInit } from './fusion-engine'
import { FusionWorkerClient } from './fusion-worker-client'
import { MapService } from './map-service'
import type { PathPolicy } from '../security/path-policy'

export interface MappingDeps {
  home: string
  frames: FrameReader
  embeddings: EmbeddingProvider | null
  classHeads?: () => ClassHeadProvider | null
  loadModel?: () => Promise<string | null>
  manifest: (sessionId: string) => Promise<SessionManifest>
  /** The query scoring module Ask uses, so the map decides as Ask does. */
  scoring: QueryScoring | null
  jobs: JobRunner
  events: EventBus
  data: DataRouter
  allowFileExport: boolean
  policy?: PathPolicy
  /** Fusion in the calling thread instead of a worker (tests). */
  startEngine?: (init: FusionInit) => Promise<FusionEngine>
}

export function createMapping(deps: MappingDeps): MapService {
  const service = new MapService({
    frames: deps.frames,
    embeddings: deps.embeddings,
    classHeads: deps.classHeads,
    loadModel: deps.loadModel,
    manifest: deps.manifest,
    scoring: deps.scoring,
    jobs: deps.jobs,
    events: deps.events,
    mapsRoot: join(deps.home, 'maps'),
    allowFileExport: deps.allowFileExport,
    policy: deps.policy,
    startEngine: deps.startEngine ?? ((init) => FusionWorkerClient.start(init)),
  })
  deps.data.register('maps/:sessionId/points', async ({ sessionId }) => ({
    body: await service.pointsPayload(sessionId as string),
    contentType: 'application/octet-stream',
  }))
  for (const kind of ['relevancy', 'classes']) {
    deps.data.register(`maps/:sessionId/${kind}/:token`, async ({ token }) => ({
      body: service.arrayBytes(token as string),
      contentType: 'application/octet-stream',
      immutable: true,
    }))
  }
  deps.data.register('maps/:sessionId/frames/:frameIndex/points', async ({ sessionId, frameIndex }) => {
    const index = Number(frameIndex)
    if (!Number.isInteger(index) || index < 0)
      throw new ConsoleError('invalid_input', `Frame index "${frameIndex}" is not a non-negative integer.`)
    return {
      body: await service.framePointsPayload(sessionId as string, index),
      contentType: 'application/octet-stream',
      immutable: true,
    }
  })
  deps.data.register('maps/:sessionId/ply', async ({ sessionId }, query) => ({
    body: await service.plyBytes(sessionId as string, query.get('relevancy')),
    contentType: 'application/octet-stream',
  }))
  return service
}
