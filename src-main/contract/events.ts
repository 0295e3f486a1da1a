/** Events pushed from services to every connected renderer. Names are `service.onSomething`-style. */
import type { JobInfo } from './jobs'
import type { AppInfo, LogLine } from './app'

export interface ConsoleEvents {
  job: JobInfo
  log: LogLine
  appInfo: AppInfo
  /** Something in a service's collection changed (sessions, classSets, models, maps…); views refetch. */
  changed: { service: string; id?: string }
}
