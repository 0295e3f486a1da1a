/** Background jobs (import, batch inference, fusion, training): progress, ETA and cancel. */
import { z } from 'zod'
import { method } from './rpc'

export const jobStates = ['running', 'done', 'failed', 'cancelled'] as const
export type JobState = (typeof jobStates)[number]

export interface JobInfo {
  id: string
  kind: string
  title: string
  state: JobState
  /** Units done and total (frames, steps…); total 0 while unknown. */
  done: number
  total: number
  /** Seconds left at the current rate, or null while unknown. */
  etaSeconds: number | null
  /** Units per second at the current rate, or null. */
  rate: number | null
  message: string
  startedAt: number
  endedAt: number | null
  error: string | null
  /** Runs that replace one another (a probe's auto-retrains) share a group; lists show its latest run only. */
  group?: string
}

export const jobsSpec = {
  list: method<JobInfo[]>()(z.void()),
  cancel: method<{ cancelled: boolean }>()(z.object({ id: z.string().min(1) })),
}
