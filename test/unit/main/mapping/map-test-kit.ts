/** A MapService over the synthetic room, fusing in-thread, with its own temporary maps folder. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionManifest } from '../../../../src-main/contract'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { LocalFusion } from '../../../../src-main/services/mapping/fusion-engine'
import { MapService } from '../../../../src-main/services/mapping/map-service'
import { QueryScoring } from '../../../../src-main/services/query/query-scoring'
import type { ClassHeadProvider, EmbeddingProvider, FrameReader } from '../../../../src-main/services/ports'

export interface MapFixture {
  service: MapService
  jobs: JobRunner
  mapsRoot: string
}

export function mapFixture(
  frames: FrameReader,
  embeddings: EmbeddingProvider | null,
  manifest: SessionManifest,
  mapsRoot = mkdtempSync(join(tmpdir(), 'dve-maps-')),
  classHeads: ClassHeadProvider | null = null,
): MapFixture {
  const jobs = new JobRunner(new EventBus())
  const service = new MapService({
    frames,
    embeddings,
    classHeads: () => classHeads,
    manifest: async () => manifest,
    jobs,
    scoring: new QueryScoring({ embeddings, vocabulary: null, packs: null }),
    events: new EventBus(),
    mapsRoot,
    allowFileExport: true,
    startEngine: async (init) => new LocalFusion(init),
  })
  return { service, jobs, mapsRoot }
}

/** Starts a build and waits for it; returns the job's final state. */
export async function buildAndWait(fixture: MapFixture, input: Parameters<MapService['build']>[0]): Promise<void> {
  const { jobId } = await fixture.service.build(input)
  for (;;) {
    const job = (await fixture.jobs.list()).find((j) => j.id === jobId)
    if (!job) throw new Error(`job ${jobId} vanished`)
    if (job.state === 'done') return
    if (job.state !== 'running') throw new Error(job.error ?? job.state)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
