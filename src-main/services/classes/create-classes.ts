/** Builds the classes area: stores, heads (the ports segmentation uses), probe jobs and the service. */
import { join } from 'node:path'
import type { SessionManifest } from '../../contract'
import type { DataRouter } from '../data-router'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader, FrameScorer, ModelPackProvider } from '../ports'
import { ClassHeads } from './class-heads'
import { ClassSetStore } from './class-set-store'
import { ClassesService } from './classes-service'
import { LabelStore } from './label-store'
import { LabelledPixelCache } from './labelled-pixels'
import { ProbeJobs, type ProbeTrainer } from './probe-jobs'
import type { PathPolicy } from '../security/path-policy'

export interface ClassesDeps {
  home: string
  frames: FrameReader
  embeddings: EmbeddingProvider
  scorer: FrameScorer
  packs: ModelPackProvider
  manifest: (sessionId: string) => Promise<SessionManifest>
  jobs: JobRunner
  data: DataRouter
  allowFileAccess: boolean
  policy?: PathPolicy
  /** Trains in the native-work process. */
  probeTrainer: ProbeTrainer
}

export function createClasses(deps: ClassesDeps): { service: ClassesService; heads: ClassHeads } {
  const classSetsDir = join(deps.home, 'class-sets')
  const store = new ClassSetStore({ dir: classSetsDir, packs: deps.packs })
  const labels = new LabelStore(join(deps.home, 'labels'))
  const heads = new ClassHeads({ store, embeddings: deps.embeddings, packs: deps.packs })
  const probes = new ProbeJobs({
    store,
    labels,
    trainer: deps.probeTrainer,
    classSetsDir,
    pixels: new LabelledPixelCache(deps.embeddings),
    frames: deps.frames,
    embeddings: deps.embeddings,
    jobs: deps.jobs,
  })
  const service = new ClassesService({
    ...deps,
    store,
    labels,
    heads,
    probes,
    allowFileAccess: deps.allowFileAccess,
    policy: deps.policy,
  })
  return { service, heads }
}
