/**
 * The shipped demo model over the shipped demo recording, for benchmarks that need real embeddings
 * without user data: `withDemoInference` loads the pack in a temporary home and hands over the frame
 * reader and the inference service; null (with a message) when the demo files are missing.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appRoot, consolePaths } from '../../platform/paths'
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { createInference } from '../../services/inference/create-inference'
import { JobRunner } from '../../services/jobs/job-runner'
import { Logger } from '../../services/logger'
import { SessionFrameReader } from '../../services/recordings/session-frame-reader'
import { SessionStore } from '../../services/recordings/session-store'

const repoRoot = appRoot() // from source and from the build alike
export const demoSessionId = 'demo-apartment'

export interface DemoInference {
  frames: SessionFrameReader
  inference: ReturnType<typeof createInference>['inference']
}

export async function withDemoInference<T>(bench: string, use: (demo: DemoInference) => Promise<T>): Promise<T | null> {
  const recording = join(repoRoot, 'resources', 'demo-recording')
  if (!existsSync(join(recording, 'session.json')) || !existsSync(join(repoRoot, 'models', 'demo', 'model.json'))) {
    process.stderr.write(`${bench}: the demo recording or pack is missing; figures on real embeddings not measured.\n`)
    return null
  }
  const home = await mkdtemp(join(tmpdir(), 'dve-bench-demo-'))
  const events = new EventBus()
  const frames = new SessionFrameReader(new SessionStore(join(home, 'sessions'), [recording]))
  const created = createInference({
    paths: consolePaths(home, repoRoot),
    frames,
    jobs: new JobRunner(events),
    data: new DataRouter(),
    events,
    logger: new Logger(events, null),
  })
  try {
    await created.models.init()
    await created.models.ensureLoaded()
    return await use({ frames, inference: created.inference })
  } finally {
    await created.dispose()
    await rm(home, { recursive: true, force: true })
  }
}
