/** Model packs, execution providers, the embedding cache and "Run model on recording" for the Models view. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type {
  BatchRunSummary,
  CacheStatus,
  ExecutionProviderName,
  ModelPackInfo,
  ProviderStatus,
  TextEmbeddingResult,
} from '@contract'
import { useApi } from '../api/install'
import { useJobsStore } from './jobs'

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const useModelsStore = defineStore('models', () => {
  const client = useApi()
  const jobs = useJobsStore()
  const packs = ref<ModelPackInfo[]>([])
  const providers = ref<ProviderStatus | null>(null)
  const cache = ref<CacheStatus | null>(null)
  const error = ref<string | null>(null)
  /** Pack id being checked or activated. */
  const busy = ref<string | null>(null)

  const runJobId = ref<string | null>(null)
  const runJob = computed(() => jobs.jobs.find((job) => job.id === runJobId.value) ?? null)
  const runSummary = ref<BatchRunSummary | null>(null)
  const runError = ref<string | null>(null)
  const textResult = ref<TextEmbeddingResult | null>(null)

  async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await work()
      error.value = null
      return value
    } catch (e) {
      error.value = message(e)
      return undefined
    }
  }

  async function refresh(sessionId?: string): Promise<void> {
    await guarded(async () => {
      const [listed, status, cacheStatus] = await Promise.all([
        client.api.models.list(),
        client.api.models.providers(),
        client.api.inference.cacheStatus({ sessionId }),
      ])
      packs.value = listed
      providers.value = status
      cache.value = cacheStatus
    })
  }
  client.on('changed', (change) => {
    if (change.service === 'models') void refresh()
  })

  async function withPack(id: string, call: (id: string) => Promise<ModelPackInfo>): Promise<void> {
    busy.value = id
    try {
      const info = await guarded(() => call(id))
      if (info) packs.value = packs.value.map((p) => (p.id === id ? info : info.active ? { ...p, active: false } : p))
      providers.value = (await guarded(() => client.api.models.providers())) ?? providers.value
    } finally {
      busy.value = null
    }
  }
  const check = (id: string) => withPack(id, (packId) => client.api.models.get({ id: packId }))
  const activate = (id: string) => withPack(id, (packId) => client.api.models.activate({ id: packId }))

  async function setProviderOrder(order: ExecutionProviderName[]): Promise<void> {
    providers.value = (await guarded(() => client.api.models.setProviderOrder({ order }))) ?? providers.value
  }

  async function runOnSession(sessionId: string, start: number, end: number | null): Promise<void> {
    runSummary.value = null
    runError.value = null
    try {
      const { jobId } = await client.api.inference.runOnSession({ sessionId, frames: { start, end } })
      runJobId.value = jobId
      runSummary.value = await client.api.inference.runResult({ jobId })
    } catch (e) {
      runError.value = message(e)
    }
    await refresh(sessionId)
  }

  async function cancelRun(): Promise<void> {
    if (runJobId.value) await jobs.cancel(runJobId.value)
  }

  async function clearCache(sessionId?: string): Promise<void> {
    await guarded(() => client.api.inference.clearCache({ sessionId }))
    await refresh(sessionId)
  }

  async function setCacheBudget(bytes: number, sessionId?: string): Promise<void> {
    await guarded(() => client.api.inference.setCacheBudget({ bytes }))
    await refresh(sessionId)
  }

  async function embedText(texts: string[]): Promise<void> {
    textResult.value = (await guarded(() => client.api.inference.embedText({ texts }))) ?? null
  }

  return {
    packs,
    providers,
    cache,
    error,
    busy,
    refresh,
    check,
    activate,
    setProviderOrder,
    runJob,
    runSummary,
    runError,
    runOnSession,
    cancelRun,
    clearCache,
    setCacheBudget,
    textResult,
    embedText,
  }
})
