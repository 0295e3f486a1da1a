/** App info, connection state and the log, kept current by events. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo, LogLine } from '@contract'
import { useApi } from '../api/install'

export const useAppStore = defineStore('app', () => {
  const client = useApi()
  const info = ref<AppInfo | null>(null)
  const connected = ref(true)
  const logs = ref<LogLine[]>([])
  const lastError = ref<string | null>(null)

  async function refresh(): Promise<void> {
    info.value = await client.api.app.info()
  }
  client.on('appInfo', (next) => (info.value = next))
  client.on('log', (line) => {
    logs.value = [...logs.value.slice(-199), line]
    if (line.level === 'error') lastError.value = line.message
  })
  client.transport.onConnection?.((isConnected) => {
    connected.value = isConnected
    if (isConnected) void refresh()
  })
  void refresh().catch((error: unknown) => (lastError.value = error instanceof Error ? error.message : String(error)))

  return { info, connected, logs, lastError, refresh }
})
