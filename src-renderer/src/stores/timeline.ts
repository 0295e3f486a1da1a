/**
 * The one timeline Player, Segmentation and Ask share: which session and frame is shown. Each view
 * writes its frame here and, when shown, opens the frame the others left, so they move together.
 * Frames are numbered by their index in the session (0-based) everywhere, as in session.json, the
 * CLI and the map's voxel panel.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useTimelineStore = defineStore('timeline', () => {
  const sessionId = ref<string | null>(null)
  const frameIndex = ref(0)
  /** The `?` sheet of shortcuts. */
  const sheetOpen = ref(false)

  function show(id: string | null, frame: number): void {
    sessionId.value = id
    frameIndex.value = frame
  }

  return { sessionId, frameIndex, sheetOpen, show }
})
