/**
 * The robot link as the views see it: the live status (pushed by the `live` event), connect / stop,
 * the topic listing for the Connect panel, and the last URL (remembered in this browser).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LiveConnectOptions, LiveStatus, LiveTopicListing } from '@contract'
import { useApi } from '../api/install'

const urlKey = 'dve.live.url'
const activeStates = new Set<LiveStatus['state']>(['connecting', 'live', 'reconnecting'])

function rememberedUrl(): string {
  try {
    return localStorage.getItem(urlKey) ?? 'ws://127.0.0.1:8765'
  } catch {
    return 'ws://127.0.0.1:8765'
  }
}

/** "embedding 9.8 fps of 30 fps, 67 % skipped" */
export function modelRateLine(status: LiveStatus): string {
  if (status.model.state === 'off') return 'no model pack active: recording only'
  if (status.model.state === 'failed') return 'the model failed (see the message)'
  return `embedding ${status.model.fps.toFixed(1)} fps of ${status.arrivalFps.toFixed(1)} fps, ${status.model.skippedPercent.toFixed(0)} % skipped`
}

export const useLiveStore = defineStore('live', () => {
  const client = useApi()
  const status = shallowRef<LiveStatus | null>(null)
  const url = ref(rememberedUrl())
  const listing = shallowRef<LiveTopicListing | null>(null)
  const busy = ref(false)
  const error = ref<string | null>(null)

  client.on('live', (next) => (status.value = next))
  void client.api.live
    .status()
    .then((s) => (status.value ??= s))
    .catch(() => undefined)

  const active = computed(() => status.value !== null && activeStates.has(status.value.state))
  const liveSessionId = computed(() => (active.value ? (status.value?.sessionId ?? null) : null))

  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    busy.value = true
    try {
      const result = await work()
      error.value = null
      return result
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
      return null
    } finally {
      busy.value = false
    }
  }

  function remember(value: string): void {
    url.value = value.trim()
    try {
      localStorage.setItem(urlKey, url.value)
    } catch {
      // Private windows may refuse storage; the URL is then only kept for this visit.
    }
  }

  async function listTopics(): Promise<void> {
    remember(url.value)
    listing.value = await attempt(() => client.api.live.topics({ url: url.value }))
  }

  async function connect(options: Omit<LiveConnectOptions, 'url'>): Promise<boolean> {
    remember(url.value)
    const started = await attempt(() => client.api.live.connect({ ...options, url: url.value }))
    if (started) status.value = started
    return started !== null
  }

  async function stop(): Promise<void> {
    const final = await attempt(() => client.api.live.stop())
    if (final) status.value = final
  }

  return { status, url, listing, busy, error, active, liveSessionId, listTopics, connect, stop }
})
