/**
 * The Player: the open session, the current frame (latest seek wins), playback at recorded time × speed,
 * and neighbour prefetch. Frames live in shallowRefs / the loader, never in deep reactive state.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { SessionDetail, SessionFrame, SessionStats } from '@contract'
import { useApi } from '../api/install'
import { FrameLoader, type PlayerFrame } from '../components/player/frame-loader'

export const playbackSpeeds = [0.25, 0.5, 1, 2, 4, 8] as const
const prefetchAhead = 4
const prefetchBehind = 1
/** Longest wait between two frames while playing (gaps in a recording are skipped faster). */
const maxFrameGapSec = 1

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export const usePlayerStore = defineStore('player', () => {
  const client = useApi()
  const detail = shallowRef<SessionDetail | null>(null)
  const stats = shallowRef<SessionStats | null>(null)
  const frame = shallowRef<PlayerFrame | null>(null)
  const index = ref(0)
  const playing = ref(false)
  const speed = ref<number>(1)
  const error = ref<string | null>(null)
  const depthRange = ref({ min: 0, max: 5 })
  /** Milliseconds from the last seek request to its frame being ready (shown in the view). */
  const lastSeekMs = ref<number | null>(null)
  let loader: FrameLoader | null = null
  /** The frame most recently asked for and when, until its load starts. */
  let wanted: { index: number; at: number } | null = null
  let seeking: Promise<void> = Promise.resolve()
  let showing = false

  const sessionId = computed(() => detail.value?.summary.id ?? null)
  const frameCount = computed(() => detail.value?.manifest.frames.length ?? 0)
  const timestamps = computed(() => detail.value?.manifest.frames.map((f) => f.timestampSec) ?? [])
  const currentMeta = computed(() => detail.value?.manifest.frames[index.value] ?? null)
  const hasLabels = computed(() => detail.value?.summary.hasLabels ?? false)

  // A session deleted (e.g. from the Library) while open here: let go of it and say why.
  client.on('changed', (change) => {
    const openId = sessionId.value
    if (change.service !== 'sessions' || !openId || change.id !== openId) return
    void client.api.sessions.get({ id: openId }).catch(() => {
      close()
      error.value = `Session "${openId}" is no longer in the library.`
    })
  })

  /** Opens a session at `startIndex`; re-opening the open session without an index keeps the position. */
  async function open(id: string, startIndex?: number): Promise<void> {
    if (sessionId.value === id) {
      if (startIndex !== undefined && startIndex !== index.value) await seek(startIndex)
      return
    }
    close()
    try {
      const [nextDetail, nextStats] = await Promise.all([
        client.api.sessions.get({ id }),
        client.api.sessions.stats({ id }),
      ])
      detail.value = nextDetail
      stats.value = nextStats
      const range = nextStats.depthRangeMeters
      depthRange.value = range
        ? { min: Number(range.p02.toFixed(2)), max: Number(range.p98.toFixed(2)) }
        : { min: 0, max: 5 }
      loader = new FrameLoader(client.dataUrl, id)
      await seek(startIndex ?? 0)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  function close(): void {
    pause()
    loader?.dispose()
    loader = null
    wanted = null
    detail.value = null
    stats.value = null
    frame.value = null
    index.value = 0
    error.value = null
    lastSeekMs.value = null
  }

  /**
   * Shows frame `target` (clamped). One load runs at a time; seeks that arrive meanwhile (a drag on
   * the timeline) coalesce into the latest, which loads next, so scrubbing never floods the server
   * and always shows something current. Resolves when the latest wanted frame is shown.
   */
  function seek(target: number): Promise<void> {
    if (!loader || frameCount.value === 0) return Promise.resolve()
    const clamped = Math.min(frameCount.value - 1, Math.max(0, Math.round(target)))
    index.value = clamped
    wanted = { index: clamped, at: performance.now() }
    if (!showing) {
      showing = true
      seeking = showWanted()
    }
    return seeking
  }

  async function showWanted(): Promise<void> {
    try {
      while (wanted && loader) {
        const { index: next, at } = wanted
        wanted = null
        const current = loader
        try {
          const loaded = await current.load(next)
          if (current !== loader) continue // the session changed meanwhile: serve the new one's wish
          frame.value = loaded
          lastSeekMs.value = performance.now() - at
          error.value = null
          if (!wanted) afterPaint(() => prefetchAround(next))
        } catch (e) {
          if (!wanted) error.value = e instanceof Error ? e.message : String(e)
        }
      }
    } finally {
      // Cleared in the same turn as the last look at `wanted`, so no seek can fall in between.
      showing = false
    }
  }

  /**
   * Runs `then` once the frame just set is on screen (the task after the next animation frame), so
   * the neighbours' responses and decodes never compete with drawing the frame a person asked for.
   */
  function afterPaint(then: () => void): void {
    const shown = frame.value
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (!showing && frame.value === shown) then()
      }, 0),
    )
  }

  function prefetchAround(center: number): void {
    const indices: number[] = []
    for (let d = 1; d <= prefetchAhead; d++) if (center + d < frameCount.value) indices.push(center + d)
    for (let d = 1; d <= prefetchBehind; d++) if (center - d >= 0) indices.push(center - d)
    loader?.prefetch(indices)
  }

  /** Frames a live recording appended since the session was opened (the head grows). */
  function appendFrames(frames: SessionFrame[]): void {
    const current = detail.value
    const fresh = frames.filter((f) => f.index >= (current?.manifest.frames.length ?? 0))
    if (!current || fresh.length === 0) return
    const manifest = {
      ...current.manifest,
      frames: [...current.manifest.frames, ...fresh],
      hasPoses: current.manifest.hasPoses || fresh.some((f) => f.worldFromCamera),
    }
    detail.value = { ...current, manifest, summary: { ...current.summary, frameCount: manifest.frames.length } }
  }

  function step(delta: number): Promise<void> {
    pause()
    return seek(index.value + delta)
  }

  /** Seeks to the first frame at or after `seconds` from the session's start. */
  function jumpToTime(seconds: number): Promise<void> {
    const times = timestamps.value
    const target = (times[0] ?? 0) + seconds
    const found = times.findIndex((t) => t >= target - 1e-6)
    return seek(found < 0 ? times.length - 1 : found)
  }

  function play(): void {
    if (playing.value || !loader) return
    if (index.value >= frameCount.value - 1) void seek(0)
    playing.value = true
    void playLoop()
  }

  function pause(): void {
    playing.value = false
  }

  function toggle(): void {
    if (playing.value) pause()
    else play()
  }

  async function playLoop(): Promise<void> {
    while (playing.value && loader) {
      const from = index.value
      const next = from + 1
      if (next >= frameCount.value) break
      const times = timestamps.value
      const gapSec = Math.min(maxFrameGapSec, Math.max(0, (times[next] ?? 0) - (times[from] ?? 0)))
      // Load while waiting out the frame's recorded duration; a slow load stretches playback, never skips a frame.
      await Promise.all([loader.load(next).catch(() => undefined), sleep((1000 * (gapSec || 1 / 30)) / speed.value)])
      if (!playing.value) return
      if (index.value !== from) continue // the person seeked meanwhile: carry on from there
      await seek(next)
    }
    playing.value = false
  }

  return {
    detail,
    stats,
    frame,
    index,
    playing,
    speed,
    error,
    depthRange,
    lastSeekMs,
    sessionId,
    frameCount,
    timestamps,
    currentMeta,
    hasLabels,
    open,
    close,
    seek,
    step,
    jumpToTime,
    play,
    pause,
    toggle,
    appendFrames,
  }
})
