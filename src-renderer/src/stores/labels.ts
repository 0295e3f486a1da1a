/**
 * Labelling state: session and frame, the frame's label mask (class index + 1 per camera pixel,
 * in a shallowRef), tools, and undo/redo. Every stroke is saved at once as runs of the pixels it
 * changed; undo/redo save the whole mask back (`replace`), so the disk always matches the screen.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef } from 'vue'
import type { SessionSummary } from '@contract'
import { useApi } from '../api/install'

export type LabelTool = 'brush' | 'eraser' | 'fill'

/** Runs [offset, length, value] of the pixels where `after` differs from `before`. */
export function changedRuns(before: Uint16Array, after: Uint16Array): number[] {
  const runs: number[] = []
  let i = 0
  while (i < after.length) {
    if (before[i] === after[i]) {
      i++
      continue
    }
    const value = after[i] as number
    const start = i
    while (i < after.length && before[i] !== after[i] && after[i] === value) i++
    runs.push(start, i - start, value)
  }
  return runs
}

/** Runs of every labelled pixel (a whole-mask save). */
export function maskRuns(mask: Uint16Array): number[] {
  return changedRuns(new Uint16Array(mask.length), mask)
}

/** Paints a filled disc of `value` (0 erases) into the mask. */
export function paintDisc(
  mask: Uint16Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  radius: number,
  value: number,
): void {
  const r = Math.max(0.5, radius)
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * width + x] = value
    }
  }
}

const undoDepth = 50

export const useLabelsStore = defineStore('labels', () => {
  const client = useApi()
  const sessions = ref<SessionSummary[]>([])
  const sessionId = ref<string | null>(null)
  const frameIndex = ref(0)
  const classSetId = ref<string | null>(null)
  const width = ref(0)
  const height = ref(0)
  const mask = shallowRef<Uint16Array>(new Uint16Array(0))
  const labelledFrames = ref<number[]>([])
  const tool = ref<LabelTool>('brush')
  const brushRadius = ref(8)
  const fillThreshold = ref(0.85)
  /** 0-based class painted by the brush and fill. */
  const activeClass = ref(0)
  const saving = ref(false)
  const error = ref<string | null>(null)
  const undoStack = shallowRef<Uint16Array[]>([])
  const redoStack = shallowRef<Uint16Array[]>([])

  async function loadSessions(): Promise<void> {
    sessions.value = await client.api.sessions.list()
    sessionId.value ??= sessions.value[0]?.id ?? null
  }

  async function open(nextSession: string | null, nextFrame: number, nextSet: string | null): Promise<void> {
    sessionId.value = nextSession
    frameIndex.value = nextFrame
    classSetId.value = nextSet
    undoStack.value = []
    redoStack.value = []
    if (!nextSession || !nextSet) return
    try {
      const labels = await client.api.classes.getLabels({
        sessionId: nextSession,
        classSetId: nextSet,
        frameIndex: nextFrame,
      })
      let data = new Uint16Array(labels.width * labels.height)
      if (labels.labelMaskPath) {
        const response = await fetch(client.dataUrl(labels.labelMaskPath))
        if (!response.ok) throw new Error(`labels of frame ${nextFrame}: HTTP ${response.status}`)
        data = new Uint16Array(await response.arrayBuffer())
      }
      // A later open() may have superseded this one while the mask was loading.
      if (sessionId.value !== nextSession || frameIndex.value !== nextFrame || classSetId.value !== nextSet) return
      width.value = labels.width
      height.value = labels.height
      mask.value = data
      labelledFrames.value = (
        await client.api.classes.labelledFrames({ sessionId: nextSession, classSetId: nextSet })
      ).map((f) => f.frameIndex)
      error.value = null
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Saves `next` (a changed copy of the mask) as a stroke; returns whether it was stored. */
  async function commit(next: Uint16Array, replace = false): Promise<boolean> {
    const before = mask.value
    const runs = replace ? maskRuns(next) : changedRuns(before, next)
    if (!replace && runs.length === 0) return false
    undoStack.value = [...undoStack.value.slice(-(undoDepth - 1)), before]
    redoStack.value = []
    return save(next, runs, replace)
  }

  async function save(next: Uint16Array, runs: number[], replace: boolean): Promise<boolean> {
    const session = sessionId.value
    const set = classSetId.value
    if (!session || !set) return false
    mask.value = next
    triggerRef(mask)
    saving.value = true
    try {
      const saved = await client.api.classes.saveLabels({
        sessionId: session,
        classSetId: set,
        frameIndex: frameIndex.value,
        width: width.value,
        height: height.value,
        runs,
        replace,
      })
      const labelled = saved.labelMaskPath !== null
      const others = labelledFrames.value.filter((f) => f !== saved.frameIndex)
      labelledFrames.value = labelled ? [...others, saved.frameIndex].sort((a, b) => a - b) : others
      error.value = null
      return true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
      return false
    } finally {
      saving.value = false
    }
  }

  /** Moves one step through history: the mask on top of `from` is restored, the current one goes on `to`. */
  async function travel(from: typeof undoStack, to: typeof undoStack): Promise<boolean> {
    const target = from.value.at(-1)
    if (!target) return false
    from.value = from.value.slice(0, -1)
    to.value = [...to.value, mask.value]
    return save(target, maskRuns(target), true)
  }
  const undo = () => travel(undoStack, redoStack)
  const redo = () => travel(redoStack, undoStack)

  /** The fill tool: the region of similar embedding around a camera pixel, painted with the active class. */
  async function fillAt(x: number, y: number): Promise<boolean> {
    const session = sessionId.value
    if (!session) return false
    try {
      const region = await client.api.classes.similarRegion({
        sessionId: session,
        frameIndex: frameIndex.value,
        x,
        y,
        threshold: fillThreshold.value,
      })
      const next = mask.value.slice()
      for (let i = 0; i < region.runs.length; i += 3)
        next.fill(
          activeClass.value + 1,
          region.runs[i] as number,
          (region.runs[i] as number) + (region.runs[i + 1] as number),
        )
      return commit(next)
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
      return false
    }
  }

  return {
    sessions,
    sessionId,
    frameIndex,
    classSetId,
    width,
    height,
    mask,
    labelledFrames,
    tool,
    brushRadius,
    fillThreshold,
    activeClass,
    saving,
    error,
    undoStack,
    redoStack,
    loadSessions,
    open,
    commit,
    undo,
    redo,
    fillAt,
  }
})
