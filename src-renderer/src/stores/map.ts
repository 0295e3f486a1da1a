/**
 * Map explorer state: the session's map status, its voxel payload (shallowRef: big arrays never go
 * deep-reactive), colour mode, the current text query with its relevancy and pins, the picked voxel.
 * The map grows while a build runs or a robot is live: `changed` events for the session refetch the
 * payload while the view is shown.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import {
  decodeMapPoints,
  resourcePaths,
  type MapClassColors,
  type MapColorMode,
  type MapPoints,
  type MapQueryResult,
  type MapStatus,
  type SegmentationClassSet,
  type SegmentationModeName,
  type VoxelDetail,
} from '@contract'
import { useApi } from '../api/install'

/** While a build runs, the payload is refetched at most this often. */
const growRefreshMs = 1500

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const useMapStore = defineStore('map', () => {
  const client = useApi()
  const sessionId = ref<string | null>(null)
  const status = shallowRef<MapStatus | null>(null)
  const points = shallowRef<MapPoints | null>(null)
  const colorMode = ref<MapColorMode>('rgb')
  const queryText = ref('')
  const queryResult = shallowRef<MapQueryResult | null>(null)
  const relevancy = shallowRef<Uint8Array | null>(null)
  const selected = shallowRef<VoxelDetail | null>(null)
  /** Class sets that can colour the map by embedding, and the chosen one (null = ground-truth labels). */
  const classSets = shallowRef<SegmentationClassSet[]>([])
  const classColors = shallowRef<{ info: MapClassColors; index: Uint16Array } | null>(null)
  /** Sessions without poses: one frame's depth as points, in its camera frame. */
  const framePoints = shallowRef<{ frameIndex: number; points: MapPoints } | null>(null)
  const busy = ref(false)
  const error = ref<string | null>(null)
  let loadedPath: string | null = null
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  /**
   * Whether the Map view is on screen. KeepAlive keeps it mounted when the user goes elsewhere; a
   * growing map (a build, a live link) would then still be fetched every step for nobody, megabytes
   * each time over a tablet's Wi-Fi. Hidden, a change only marks the map stale; shown again, it catches up.
   */
  let shown = true
  let stale = false

  client.on('changed', (event) => {
    if (event.service !== 'map' || event.id !== sessionId.value) return
    if (!shown) {
      stale = true
      return
    }
    if (refreshTimer) return
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void refresh()
    }, growRefreshMs)
  })

  function setShown(value: boolean): void {
    shown = value
    if (shown && stale) void refresh()
  }

  async function open(id: string | null): Promise<void> {
    if (id === sessionId.value) return
    sessionId.value = id
    status.value = null
    points.value = null
    framePoints.value = null
    loadedPath = null
    clearQuery()
    selected.value = null
    await refresh()
  }

  async function refresh(): Promise<void> {
    const id = sessionId.value
    if (!id) return
    stale = false
    try {
      error.value = null
      const next = await client.api.map.status({ sessionId: id })
      if (id !== sessionId.value) return
      status.value = next
      const path = next.map?.pointsPath ?? null
      if (path && path !== loadedPath) {
        const response = await fetch(client.dataUrl(path))
        if (!response.ok) throw new Error(`Map voxels: HTTP ${response.status}`)
        const decoded = decodeMapPoints(await response.arrayBuffer())
        if (id !== sessionId.value) return
        loadedPath = path
        points.value = decoded
        // A query's relevancy and a class colouring belong to the voxels they were computed on.
        if (relevancy.value && relevancy.value.length !== decoded.count) clearQuery()
        if (classColors.value && classColors.value.index.length !== decoded.count) classColors.value = null
      }
    } catch (e) {
      error.value = message(e)
    }
  }

  async function build(voxelSizeMeters: number, geometryOnly: boolean, resume: boolean): Promise<void> {
    if (!sessionId.value) return
    try {
      error.value = null
      await client.api.map.build({ sessionId: sessionId.value, voxelSizeMeters, geometryOnly, resume })
      await refresh()
    } catch (e) {
      error.value = message(e)
    }
  }

  async function runQuery(): Promise<void> {
    const text = queryText.value.trim()
    if (!sessionId.value || !text) return
    busy.value = true
    try {
      error.value = null
      const result = await client.api.map.query({ sessionId: sessionId.value, text })
      const response = await fetch(client.dataUrl(result.relevancyPath))
      if (!response.ok) throw new Error(`Map relevancy: HTTP ${response.status}`)
      relevancy.value = new Uint8Array(await response.arrayBuffer())
      queryResult.value = result
      colorMode.value = 'relevancy'
    } catch (e) {
      error.value = message(e)
    } finally {
      busy.value = false
    }
  }

  function clearQuery(): void {
    queryResult.value = null
    relevancy.value = null
    if (colorMode.value === 'relevancy') colorMode.value = 'rgb'
  }

  async function loadFramePoints(frameIndex: number): Promise<void> {
    const id = sessionId.value
    if (!id) return
    try {
      error.value = null
      const response = await fetch(client.dataUrl(resourcePaths.mapFramePoints(id, frameIndex)))
      if (!response.ok) throw new Error(`Frame ${frameIndex} points: HTTP ${response.status}`)
      const points = decodeMapPoints(await response.arrayBuffer())
      if (id === sessionId.value) framePoints.value = { frameIndex, points }
    } catch (e) {
      error.value = message(e)
    }
  }

  async function loadClassSets(): Promise<void> {
    classSets.value = await client.api.segmentation.classSets().catch(() => [])
  }

  /** Colours voxels by a class set in one mode, or by the fused ground-truth labels (null). */
  async function chooseClasses(choice: { classSetId: string; mode: SegmentationModeName } | null): Promise<void> {
    if (!choice || !sessionId.value) {
      classColors.value = null
      return
    }
    try {
      error.value = null
      const info = await client.api.map.classColors({ sessionId: sessionId.value, ...choice })
      const response = await fetch(client.dataUrl(info.classesPath))
      if (!response.ok) throw new Error(`Map classes: HTTP ${response.status}`)
      classColors.value = { info, index: new Uint16Array(await response.arrayBuffer()) }
      colorMode.value = 'class'
    } catch (e) {
      error.value = message(e)
    }
  }

  async function selectVoxel(voxelIndex: number | null): Promise<void> {
    if (voxelIndex === null || !sessionId.value) {
      selected.value = null
      return
    }
    try {
      selected.value = await client.api.map.voxel({ sessionId: sessionId.value, voxelIndex })
    } catch (e) {
      error.value = message(e)
    }
  }

  return {
    sessionId,
    status,
    points,
    framePoints,
    colorMode,
    queryText,
    queryResult,
    relevancy,
    selected,
    classSets,
    classColors,
    busy,
    error,
    open,
    refresh,
    setShown,
    build,
    runQuery,
    clearQuery,
    selectVoxel,
    loadClassSets,
    chooseClasses,
    loadFramePoints,
  }
})
