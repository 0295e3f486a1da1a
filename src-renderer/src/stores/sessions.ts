/** The recording library: session list (refetched on `changed` events), rename/delete, and imports. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  ConsoleError,
  type BrowseListing,
  type DetectedFormat,
  type ImportOptions,
  type ImportPreview,
  type ImportReport,
  type SessionDeletePreview,
  type SessionSummary,
} from '@contract'
import { useApi } from '../api/install'
import { useJobsStore } from './jobs'

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const useSessionsStore = defineStore('sessions', () => {
  const client = useApi()
  const jobs = useJobsStore()
  const sessions = ref<SessionSummary[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  const importJobId = ref<string | null>(null)
  const importReport = ref<ImportReport | null>(null)
  const importError = ref<string | null>(null)
  const importJob = computed(() => jobs.jobs.find((job) => job.id === importJobId.value) ?? null)
  const importing = ref(false)

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      sessions.value = await client.api.sessions.list()
      error.value = null
    } catch (e) {
      error.value = message(e)
    } finally {
      loading.value = false
    }
  }
  client.on('changed', (change) => {
    if (change.service === 'sessions') void refresh()
  })
  // The list is refetched on changes; while a robot link records, its session's counts follow the link.
  client.on('live', ({ sessionId, framesRecorded, posedFrames }) => {
    const session = sessionId ? byId(sessionId) : undefined
    if (!session || session.frameCount === framesRecorded) return
    session.frameCount = framesRecorded
    session.posedFrameCount = posedFrames
    session.hasPoses = posedFrames > 0
  })

  function byId(id: string): SessionSummary | undefined {
    return sessions.value.find((session) => session.id === id)
  }

  async function rename(id: string, name: string): Promise<void> {
    const updated = await client.api.sessions.rename({ id, name })
    sessions.value = sessions.value.map((session) => (session.id === id ? updated : session))
  }

  /** What deleting would remove, with sizes (the confirmation names them). */
  function deletePreview(id: string): Promise<SessionDeletePreview> {
    return client.api.sessions.deletePreview({ id })
  }

  async function remove(id: string): Promise<void> {
    await client.api.sessions.delete({ id })
    sessions.value = sessions.value.filter((session) => session.id !== id)
  }

  function browse(path: string | null): Promise<BrowseListing> {
    return client.api.sessions.browse({ path })
  }

  function detect(path: string): Promise<DetectedFormat[]> {
    return client.api.sessions.detect({ path })
  }

  /** What an import with `options` would decide, and the first frame; nothing is written. */
  function preview(path: string, options: ImportOptions): Promise<ImportPreview> {
    return client.api.sessions.preview({ path, options })
  }

  /** Starts an import; the report (or error) lands in importReport / importError when the job ends. */
  async function startImport(path: string, options: ImportOptions): Promise<void> {
    importReport.value = null
    importError.value = null
    importJobId.value = null
    importing.value = true
    try {
      const { jobId } = await client.api.sessions.import({ path, options })
      importJobId.value = jobId
      importReport.value = await client.api.sessions.importReport({ jobId })
      await refresh()
    } catch (e) {
      const cancelled = e instanceof ConsoleError && e.code === 'cancelled'
      importError.value = cancelled ? 'Import cancelled; nothing was added to the library.' : message(e)
    } finally {
      importing.value = false
    }
  }

  async function cancelImport(): Promise<void> {
    if (importJobId.value) await jobs.cancel(importJobId.value)
  }

  function clearImport(): void {
    importJobId.value = null
    importReport.value = null
    importError.value = null
  }

  return {
    sessions,
    loading,
    error,
    refresh,
    byId,
    rename,
    deletePreview,
    remove,
    browse,
    detect,
    preview,
    importJobId,
    importJob,
    importing,
    importReport,
    importError,
    startImport,
    cancelImport,
    clearImport,
  }
})
