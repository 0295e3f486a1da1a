/**
 * An inference stack of a bench's own (its events, jobs, data plane and cache folder) beside the CLI's
 * services, so a bench's cache and native-work process start empty.
 */
import type { ConsolePaths } from '../../platform/paths'
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { createInference, type Inference, type InferenceDeps } from '../../services/inference/create-inference'
import { JobRunner } from '../../services/jobs/job-runner'
import { Logger } from '../../services/logger'
import type { FrameReader } from '../../services/ports'

export function benchInference(
  paths: ConsolePaths,
  frames: FrameReader,
  cacheTier?: InferenceDeps['cacheTier'],
): { built: Inference; jobs: JobRunner } {
  const events = new EventBus()
  const jobs = new JobRunner(events)
  const built = createInference({
    paths,
    frames,
    jobs,
    data: new DataRouter(),
    events,
    logger: new Logger(events),
    ...(cacheTier ? { cacheTier } : {}),
  })
  return { built, jobs }
}
