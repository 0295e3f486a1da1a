/** The small synthetic session most Ask tests query; ground truth comes from the world itself. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { consolePaths } from '../../../../src-main/platform/paths'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import type { MapQueryPort } from '../../../../src-main/services/ports'
import type { VocabularySource } from '../../../../src-main/services/query/pack-vocabulary'
import { QueryScoring } from '../../../../src-main/services/query/query-scoring'
import { QueryService } from '../../../../src-main/services/query/query-service'
import { SyntheticEmbeddingWorld } from '../../../../src-main/services/query/synthetic-embedding-world'

export function syntheticWorld(): SyntheticEmbeddingWorld {
  return new SyntheticEmbeddingWorld({
    frameCount: 80,
    dim: 32,
    width: 32,
    height: 24,
    fps: 5,
    seed: 3,
    things: [
      { names: ['sofa', 'couch'], firstFrame: 10, lastFrame: 25, box: { x0: 0.05, y0: 0.4, x1: 0.45, y1: 0.9 } },
      { names: ['bean bag'], firstFrame: 40, lastFrame: 50, box: { x0: 0.6, y0: 0.5, x1: 0.9, y1: 0.85 } },
      { names: ['bean bag'], firstFrame: 65, lastFrame: 72, box: { x0: 0.2, y0: 0.3, x1: 0.5, y1: 0.7 } },
    ],
  })
}

const createdHomes: string[] = []

/** Removes the homes the fixtures of this test file made (call from afterAll). */
export function removeFixtureHomes(): void {
  for (const home of createdHomes.splice(0)) rmSync(home, { recursive: true, force: true })
}

export interface QueryFixture {
  service: QueryService
  world: SyntheticEmbeddingWorld
  data: DataRouter
  jobs: JobRunner
  home: string
}

export function queryFixture(
  options: {
    world?: SyntheticEmbeddingWorld
    home?: string
    map?: MapQueryPort | null
    vocabulary?: (() => VocabularySource) | null
  } = {},
): QueryFixture {
  const world = options.world ?? syntheticWorld()
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'dve-ask-'))
  if (!options.home) createdHomes.push(home)
  const data = new DataRouter()
  const jobs = new JobRunner(new EventBus())
  const service = new QueryService({
    frames: world,
    embeddings: world,
    scorer: world,
    prompt: { promptTemplate: () => 'a detailed photo of a {}' },
    map: options.map ?? null,
    scoring: new QueryScoring({ embeddings: world, vocabulary: options.vocabulary ?? null, packs: null }),
    jobs,
    data,
    paths: consolePaths(home),
  })
  return { service, world, data, jobs, home }
}
