/**
 * Fit notices (the pack or class set does not fit the recording) for the views that show them:
 * asked once per recording and class set, and a notice the user dismissed stays dismissed (by id,
 * kept in localStorage), so each is said once.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { FitNotice } from '@contract'
import { useApi } from '../api/install'

const storageKey = 'dve.fit.dismissed'

function readDismissed(): string[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(storageKey) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

export const useFitStore = defineStore('fit', () => {
  const client = useApi()
  const all = ref<FitNotice[]>([])
  const dismissed = ref<string[]>(readDismissed())
  let asked = ''
  const notices = computed(() => all.value.filter((n) => !dismissed.value.includes(n.id)))

  /** Asks the service for the notices of this recording and class set (again only when they change or `force`). */
  async function check(sessionId: string | null, classSetId: string | null, force = false): Promise<void> {
    const key = `${sessionId}\n${classSetId}`
    if (!sessionId || (key === asked && !force)) return
    asked = key
    try {
      const result = await client.api.classes.fit({ sessionId, ...(classSetId ? { classSetId } : {}) })
      if (asked === key) all.value = result
    } catch {
      if (asked === key) all.value = [] // a missing session or set is reported by the view itself
    }
  }

  function dismiss(id: string): void {
    dismissed.value = [...dismissed.value, id]
    globalThis.localStorage?.setItem(storageKey, JSON.stringify(dismissed.value))
  }

  return { notices, check, dismiss }
})
