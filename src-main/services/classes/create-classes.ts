/** Builds the classes area: stores, heads (the ports segmentation uses), probe jobs and the service. */
import { join } from 'node:path'
import type { SessionManifest } from '../../contract'
import type { DataRouter } from '../data-router'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader, FrameScorer, ModelPackProvider } from '../ports'
import { FileBrowser } from '../recordings/file-browser'
import { ClassHeads } from './class-heads'
import { ClassSetStore } from './class-set-store'
import { ClassesService } from './classes-service'
import { LabelStore } from './label-store'
import { LabelledPixelCache } from './labelled-pixels'
import { ProbeJobs } from './probe-jobs'
import { ProbeRunner } from './probe-runner'

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
  /** Where a host without free file access (browser mode) may import from and export to. */
  allowedRoots?: string[]
}

export function createClasses(deps: ClassesDeps): { service: ClassesService; heads: ClassHeads; dispose(): Promise<void> } {
  const classSetsDir = join(deps.home, 'class-sets')
  const store = new ClassSetStore({ dir: classSetsDir, packs: deps.packs })
  const labels = new LabelStore(join(deps.home, 'labels'))
  const heads = new ClassHeads({ store, embeddings: deps.embeddings, packs: deps.packs })
  const runner = new ProbeRunner()
  const probes = new ProbeJobs({
    store, labels, runner, classSetsDir, pixels: new LabelledPixelCache(deps.embeddings), frames: deps.frames, embeddings: deps.embeddings, jobs: deps.jobs,
  })
  const roots = deps.allowedRoots ? new FileBrowser(deps.allowedRoots) : null
  const service = new ClassesService({
    ...deps, store, labels, heads, probes, allowFileAccess: deps.allowFileAccess,
    checkAllowed: roots ? (path) => roots.checkAllowed(path) : null,
  })
  return { service, heads, dispose: () => runner.dispose() }
}
