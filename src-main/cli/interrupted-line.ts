/** The one line `dve` prints when Ctrl-C or SIGTERM stopped it: which jobs stopped and what was kept. */
import type { JobInfo } from '../contract'
import type { StopSignal } from '../platform/interruption'

const keptByKind: Record<string, string> = {
  map: 'its checkpoint is saved; run the same `dve map build` to continue',
  inference: 'computed frames are in the cache; run it again to continue',
  import: 'no session was created and its temporary folder was removed',
  segmentation: 'masks written so far are kept',
}

export function interruptedLine(signal: StopSignal, jobs: JobInfo[]): string {
  const stopped = jobs.filter((j) => j.state === 'cancelled' || j.state === 'running')
  const parts = stopped.map((j) => {
    const progress = j.total > 0 ? ` at ${j.done}/${j.total}` : ''
    const kept = keptByKind[j.kind]
    return `${j.title} stopped${progress}${kept ? ` (${kept})` : ''}`
  })
  return `dve: stopped by ${signal}${parts.length ? `: ${parts.join('; ')}` : ''}.`
}
