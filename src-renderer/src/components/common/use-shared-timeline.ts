/**
 * Joins a view to the shared timeline and its keys. The view says what it shows and how to open a
 * frame; this keeps the timeline store current, opens the shared frame whenever the view is shown
 * (so Player, Segmentation and Ask move together), and handles the same keys in every view:
 * Space play/pause · ←/→ one frame · Shift+←/→ ten · Home/End · J/K/L back one second / pause /
 * play (L again: faster) · ? the sheet of shortcuts.
 */
import { onActivated, onDeactivated, onMounted, onUnmounted, watch } from 'vue'
import { useRoute } from 'vue-router'
import { useTimelineStore } from '../../stores/timeline'

export interface TimelineView {
  /** What the view shows now (null session: nothing open). */
  current: () => { sessionId: string | null; frameIndex: number }
  frameCount: () => number
  /** Frames per second of the session (for J's one second back), from its timestamps. */
  framesPerSecond: () => number
  open: (sessionId: string, frameIndex: number) => void
  /** Play / pause, where the view can play (Ask cannot: L steps forward one second there). */
  playing?: () => boolean
  play?: () => void
  pause?: () => void
  faster?: () => void
}

export const shortcutList: Array<[keys: string, what: string]> = [
  ['Space', 'play / pause'],
  ['← / →', 'previous / next frame'],
  ['Shift + ← / →', '10 frames back / forward'],
  ['Home / End', 'first / last frame'],
  ['J', 'one second back'],
  ['K', 'pause'],
  ['L', 'play (again: faster)'],
  ['?', 'this sheet'],
]

export function useSharedTimeline(view: TimelineView): void {
  const timeline = useTimelineStore()
  const route = useRoute()

  watch(
    () => [view.current().sessionId, view.current().frameIndex] as const,
    ([id, frame]) => {
      if (id) timeline.show(id, frame)
    },
  )

  function follow(): void {
    // A navigation that names what to show (the Library opening a live session, a moment, a voxel's
    // frame) wins: the view opens it from its route, and the timeline then follows the view.
    if (typeof route.query.session === 'string') return
    const { sessionId, frameIndex } = view.current()
    if (timeline.sessionId && (timeline.sessionId !== sessionId || timeline.frameIndex !== frameIndex))
      view.open(timeline.sessionId, timeline.frameIndex)
  }

  function seek(frame: number): void {
    const { sessionId } = view.current()
    if (sessionId) view.open(sessionId, Math.min(view.frameCount() - 1, Math.max(0, frame)))
  }

  function onKey(event: KeyboardEvent): void {
    // Keys typed into fields belong to them, and Space / Enter to a focused button (arrows still move the timeline).
    const target = event.target instanceof Element ? event.target : null
    const inField = target !== null && target.closest('input, select, textarea, [contenteditable]') !== null
    const onButton =
      target !== null && target.closest('button') !== null && (event.key === ' ' || event.key === 'Enter')
    if (event.defaultPrevented || inField || onButton || event.ctrlKey || event.metaKey || event.altKey) return
    if (event.key === '?') {
      timeline.sheetOpen = !timeline.sheetOpen
      event.preventDefault()
      return
    }
    if (event.key === 'Escape' && timeline.sheetOpen) {
      timeline.sheetOpen = false
      return
    }
    const { frameIndex, sessionId } = view.current()
    if (!sessionId) return
    const big = event.shiftKey ? 10 : 1
    const second = Math.max(1, Math.round(view.framesPerSecond()))
    const actions: Record<string, () => void> = {
      ' ': () => (view.playing?.() ? view.pause?.() : view.play ? view.play() : seek(frameIndex + 1)),
      ArrowLeft: () => seek(frameIndex - big),
      ArrowRight: () => seek(frameIndex + big),
      Home: () => seek(0),
      End: () => seek(view.frameCount() - 1),
      j: () => {
        view.pause?.()
        seek(frameIndex - second)
      },
      k: () => view.pause?.(),
      l: () => (view.playing?.() ? view.faster?.() : view.play ? view.play() : seek(frameIndex + second)),
    }
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key]
    if (!action) return
    event.preventDefault()
    action()
  }

  // KeepAlive keeps views mounted while hidden: keys only while shown; a shown view follows the timeline.
  const attach = (): void => {
    window.addEventListener('keydown', onKey)
    follow()
  }
  const detach = (): void => {
    window.removeEventListener('keydown', onKey)
    view.pause?.()
  }
  onMounted(attach)
  onActivated(attach)
  onDeactivated(detach)
  onUnmounted(() => window.removeEventListener('keydown', onKey))
}

/** Frames per second of a session (10 when its duration is unknown). */
export function framesPerSecond(frameCount: number, durationSec: number): number {
  return durationSec > 0 && frameCount > 1 ? (frameCount - 1) / durationSec : 10
}
