/** Background jobs with progress and ETA, fed by `job` events. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobInfo } from '@contract'
import { useApi } from '../api/install'

export const useJobsStore = defineStore('jobs', () => {
  const client = useApi()
  const byId = ref<Record<string, JobInfo>>({})

  const all = computed(() => Object.values(byId.value).sort((a, b) => b.startedAt - a.startedAt))
  /** Runs per group (JobInfo.group): a probe's auto-retrains are one live job, shown by its latest run. */
  const groupRuns = computed(() => {
    const counts = new Map<string, number>()
    for (const job of all.value) if (job.group) counts.set(job.group, (counts.get(job.group) ?? 0) + 1)
    return counts
  })
  const jobs = computed(() => {
    const seen = new Set<string>()
    return all.value.filter((job) => {
      if (!job.group) return true
      if (seen.has(job.group)) return false
      seen.add(job.group)
      return true
    })
  })
  const runsOf = (job: JobInfo) => (job.group ? (groupRuns.value.get(job.group) ?? 1) : 1)
  const running = computed(() => jobs.value.filter((job) => job.state === 'running'))

  client.on('job', (job) => (byId.value = { ...byId.value, [job.id]: job }))
  void client.api.jobs.list().then((list) => {
    for (const job of list) byId.value[job.id] ??= job
  })

  async function cancel(id: string): Promise<void> {
    await client.api.jobs.cancel({ id })
  }
  function clearFinished(): void {
    byId.value = Object.fromEntries(Object.entries(byId.value).filter(([, job]) => job.state === 'running'))
  }
  /** Resolves when the job with this id ends (for views that wait on their own job). */
  function whenDone(id: string): Promise<JobInfo> {
    return new Promise((resolve) => {
      const stop = client.on('job', (job) => {
        if (job.id === id && job.state !== 'running') {
          stop()
          resolve(job)
        }
      })
    })
  }
  return { jobs, running, runsOf, cancel, clearFinished, whenDone }
})
