/**
 * Ask: the live query (heatmap while typing, debounced), pinned queries in their own colours, the
 * recording search (strip, moments, answer), click matches, history and saved queries.
 * Heatmap bytes live in a shallowRef, never in deep reactive state.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import {
  askTypingDebounceMs,
  canonicalNegatives,
  defaultRelevancyThreshold,
  type AskQueryInput,
  type FrameHeatmap,
  type NormalisedBox,
  type PixelMatch,
  type QueryHistoryEntry,
  type QueryRule,
  type QuerySettings,
  type QuerySource,
  type SavedQuery,
  type SessionSearchResult,
} from '@contract'
import { useApi } from '../api/install'

/** Colours of pinned queries (the live query uses the relevancy colormap). */
export const pinColors: Array<[number, number, number]> = [
  [255, 99, 132],
  [75, 192, 255],
  [255, 206, 86],
  [153, 102, 255],
  [75, 220, 150],
]
const maxPinned = pinColors.length
/** Where the Advanced switch is remembered (researchers turn it on once). */
const advancedKey = 'dve.ask.advanced'
/** Pause after a settings change (e.g. dragging the threshold) before the recording search re-runs. */
const settingsResearchMs = 250

export interface PinnedQuery {
  id: number
  source: QuerySource
  label: string
  color: [number, number, number]
}

/** A frame heatmap with its relevancy plane fetched (for the WebGL overlay). */
export interface LoadedHeatmap {
  heatmap: FrameHeatmap
  relevancy: Uint8Array
  color: [number, number, number] | null
}

function readAdvanced(): boolean {
  try {
    return globalThis.localStorage?.getItem(advancedKey) === '1'
  } catch {
    return false
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const useAskStore = defineStore('ask', () => {
  const client = useApi()
  const sessionId = ref<string | null>(null)
  const frameIndex = ref(0)
  const text = ref('')
  const negatives = ref<string[]>([...canonicalNegatives])
  /** null = the pack's calibrated temperature. */
  const temperature = ref<number | null>(null)
  /** null = the pack's calibrated threshold. */
  const threshold = ref<number | null>(null)
  const vocabularyNegatives = ref(true)
  /** A region ("more like this") replaces the text as the live query until the text changes. */
  const region = ref<{ frameIndex: number; box: NormalisedBox } | null>(null)
  const pinned = ref<PinnedQuery[]>([])
  const heatmaps = shallowRef<LoadedHeatmap[]>([])
  const result = shallowRef<SessionSearchResult | null>(null)
  const searching = ref(false)
  const error = ref<string | null>(null)
  const history = ref<QueryHistoryEntry[]>([])
  const saved = ref<SavedQuery[]>([])
  const clickMatches = ref<{ xNorm: number; yNorm: number; matches: PixelMatch[] } | null>(null)
  /** Advanced: scores, thresholds, negatives, frame numbers and possible moments; off = plain words. */
  const advanced = ref(readAdvanced())
  /** The active pack's relevancy rule (what "seen" means unless the user sets a threshold). */
  const rule = ref<QueryRule | null>(null)
  let frameToken = 0
  let debounce: ReturnType<typeof setTimeout> | null = null
  let researchDebounce: ReturnType<typeof setTimeout> | null = null
  let pinCounter = 0

  const settings = computed<QuerySettings>(() => ({
    negatives: negatives.value,
    temperature: temperature.value,
    threshold: threshold.value,
    vocabularyNegatives: vocabularyNegatives.value,
  }))
  const liveSource = computed<QuerySource | null>(() => {
    if (region.value && sessionId.value) return { kind: 'region', sessionId: sessionId.value, ...region.value }
    const typed = text.value.trim()
    return typed ? { kind: 'text', text: typed } : null
  })
  /** The threshold the overlay and strip use: the user's, else the pack's rule as the server applied it. */
  const effectiveThreshold = computed(
    () =>
      threshold.value ??
      result.value?.record.threshold ??
      heatmaps.value[0]?.heatmap.record.threshold ??
      rule.value?.threshold ??
      defaultRelevancyThreshold,
  )

  function query(source: QuerySource): AskQueryInput {
    return { source, settings: settings.value }
  }

  function setSession(id: string | null, frame = 0): void {
    if (id !== sessionId.value) {
      result.value = null
      region.value = null
      clickMatches.value = null
    }
    sessionId.value = id
    frameIndex.value = frame
    void refreshFrame()
  }

  function setFrame(index: number): void {
    frameIndex.value = index
    clickMatches.value = null
    void refreshFrame()
  }

  /** Typing: the heatmap follows after a short pause; the recording search waits for Enter. */
  function setText(value: string): void {
    text.value = value
    region.value = null
    result.value = null
    if (debounce) clearTimeout(debounce)
    debounce = setTimeout(() => void refreshFrame(), askTypingDebounceMs)
  }

  /** New settings redraw the frame at once and, after a pause, re-run the search (not added to history). */
  function setSettings(next: Partial<QuerySettings>): void {
    if (next.negatives) negatives.value = next.negatives
    if (next.vocabularyNegatives !== undefined) vocabularyNegatives.value = next.vocabularyNegatives
    if (next.temperature !== undefined) temperature.value = next.temperature
    if (next.threshold !== undefined) threshold.value = next.threshold
    void refreshFrame()
    if (!result.value) return
    if (researchDebounce) clearTimeout(researchDebounce)
    researchDebounce = setTimeout(() => void search({ jump: false, remember: false }), settingsResearchMs)
  }

  /** Heatmaps of the live query and the pinned ones on the current frame (latest request wins). */
  async function refreshFrame(): Promise<void> {
    const id = sessionId.value
    const token = ++frameToken
    const sources = [
      ...(liveSource.value ? [{ source: liveSource.value, color: null }] : []),
      ...pinned.value.map((p) => ({ source: p.source, color: p.color })),
    ]
    if (!id || sources.length === 0) {
      heatmaps.value = []
      return
    }
    try {
      const frame = await client.api.query.frame({
        sessionId: id,
        frameIndex: frameIndex.value,
        queries: sources.map((s) => query(s.source)),
      })
      const planes = await Promise.all(frame.heatmaps.map((h) => fetchRelevancy(h)))
      if (token !== frameToken) return
      heatmaps.value = frame.heatmaps.map((heatmap, i) => ({
        heatmap,
        relevancy: planes[i] as Uint8Array,
        color: sources[i]?.color ?? null,
      }))
      error.value = null
    } catch (e) {
      if (token === frameToken) error.value = message(e)
    }
  }

  async function fetchRelevancy(heatmap: FrameHeatmap): Promise<Uint8Array> {
    const response = await fetch(client.dataUrl(heatmap.heatmapPath))
    if (!response.ok) throw new Error(`Heatmap: ${response.status} ${await response.text()}`)
    return new Uint8Array(await response.arrayBuffer()).subarray(0, heatmap.width * heatmap.height)
  }

  /** Searches the whole recording (the server indexes missing frames as a job first). */
  async function search(options: { jump: boolean; remember: boolean } = { jump: true, remember: true }): Promise<void> {
    const id = sessionId.value
    const source = liveSource.value
    if (!id || !source) return
    searching.value = true
    try {
      // The user's own threshold only: a re-run must not inherit the previous search's adaptive one.
      const spec = { source, settings: settings.value }
      result.value = await client.api.query.search({ sessionId: id, query: spec, remember: options.remember })
      error.value = null
      const best = result.value.answer.bestFrame
      if (best !== null && options.jump) setFrame(best)
      else void refreshFrame()
      if (options.remember) void loadHistory()
    } catch (e) {
      error.value = message(e)
    } finally {
      searching.value = false
    }
  }

  /** "More like this": the clicked pixel or brushed box becomes the query. */
  async function searchRegion(box: NormalisedBox): Promise<void> {
    region.value = { frameIndex: frameIndex.value, box }
    clickMatches.value = null
    await search()
  }

  function pin(): void {
    const source = liveSource.value
    if (!source || pinned.value.length >= maxPinned) return
    const used = new Set(pinned.value.map((p) => p.color))
    const color = pinColors.find((c) => !used.has(c)) ?? (pinColors[0] as [number, number, number])
    const label = source.kind === 'text' ? source.text : `like frame ${source.frameIndex}`
    pinned.value = [...pinned.value, { id: pinCounter++, source, label, color }]
    text.value = ''
    region.value = null
    void refreshFrame()
  }

  function unpin(id: number): void {
    pinned.value = pinned.value.filter((p) => p.id !== id)
    void refreshFrame()
  }

  async function matchesAt(xNorm: number, yNorm: number): Promise<void> {
    const id = sessionId.value
    if (!id) return
    try {
      clickMatches.value = {
        xNorm,
        yNorm,
        matches: await client.api.query.pixelMatches({ sessionId: id, frameIndex: frameIndex.value, xNorm, yNorm }),
      }
    } catch (e) {
      error.value = message(e)
    }
  }

  function setAdvanced(on: boolean): void {
    advanced.value = on
    try {
      globalThis.localStorage?.setItem(advancedKey, on ? '1' : '0')
    } catch {
      // Storage can be unavailable (private mode); the switch still works for this session.
    }
  }

  async function loadRule(): Promise<void> {
    rule.value = await client.api.query.rule().catch(() => null)
  }

  async function loadHistory(): Promise<void> {
    try {
      ;[history.value, saved.value] = await Promise.all([client.api.query.history(), client.api.query.saved()])
    } catch (e) {
      error.value = message(e)
    }
  }

  /** Re-runs a remembered query with the settings it was recorded with. */
  function reuse(source: QuerySource, recorded: QuerySettings): void {
    negatives.value = recorded.negatives
    vocabularyNegatives.value = recorded.vocabularyNegatives
    temperature.value = recorded.temperature
    threshold.value = recorded.threshold
    result.value = null
    if (source.kind === 'text') {
      text.value = source.text
      region.value = null
    } else region.value = { frameIndex: source.frameIndex, box: source.box }
    void search()
  }

  async function saveCurrent(name: string): Promise<void> {
    const source = liveSource.value
    if (!source) return
    try {
      await client.api.query.saveQuery({ name, query: { source, settings: settings.value } })
      await loadHistory()
    } catch (e) {
      error.value = message(e)
    }
  }

  async function deleteSaved(id: string): Promise<void> {
    await client.api.query.deleteSaved({ id })
    await loadHistory()
  }

  async function clearHistory(): Promise<void> {
    await client.api.query.clearHistory()
    await loadHistory()
  }

  return {
    sessionId,
    frameIndex,
    text,
    negatives,
    temperature,
    threshold,
    vocabularyNegatives,
    region,
    pinned,
    heatmaps,
    result,
    searching,
    error,
    history,
    saved,
    clickMatches,
    liveSource,
    effectiveThreshold,
    rule,
    loadRule,
    advanced,
    setAdvanced,
    setSession,
    setFrame,
    setText,
    setSettings,
    refreshFrame,
    search,
    searchRegion,
    pin,
    unpin,
    matchesAt,
    loadHistory,
    reuse,
    saveCurrent,
    deleteSaved,
    clearHistory,
  }
})
