/** Events pushed from services to every connected renderer. Names are `service.onSomething`-style. */
import type { JobInfo } from './jobs'
import type { AppInfo, LogLine } from './app'
import type { LiveStatus } from './live'

export interface ConsoleEvents {
  job: JobInfo
  log: LogLine
  appInfo: AppInfo
  /** Something in a service's collection changed (sessions, classSets, models, maps…); views refetch. */
  changed: { service: string; id?: string }
  /** The live robot link's state, a few times a second while it runs. */
  live: LiveStatus
}
