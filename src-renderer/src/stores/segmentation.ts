/**
 * Segmentation view state: the frame, class set and mode(s); the last result with its class map
 * and top-2 planes fetched from the data plane (kept in shallowRefs, never deep reactive); the
 * model cache status for "Run model on recording"; playback that steps as fast as frames segment.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  CacheStatus,
  FrameSegmentation,
  GroundTruthComparison,
  SegmentationClassSet,
  SegmentationModeName,
  SessionSegmentationSummary,
} from '@contract'
import { useApi } from '../api/install'
import { richestClassSet } from './default-class-set'

/** A segmentation with its payloads, ready for the overlay and the hover read-out. */
export interface LoadedSegmentation {
  meta: FrameSegmentation
  /** Class index per camera pixel. */
  fullMap: Uint8Array | Uint16Array
  /** Five planes at output stride: winner, runner-up, winner score, runner-up score, winner cosine. */
  top2: Uint16Array
}

/** A frame's ground truth in the class set's indices (65535 = void or not in the set) and its score. */
export interface LoadedGroundTruth {
  meta: GroundTruthComparison
  classes: Uint16Array
}

/** Ground-truth value for pixels that are void or whose class the set lacks. */
export const voidClass = 0xffff

/** Per camera pixel: 0 right, 1 wrong, 2 void (not scored); the error view's map. */
export function errorMap(predicted: ArrayLike<number>, truth: Uint16Array): Uint8Array {
  const out = new Uint8Array(truth.length)
  for (let i = 0; i < truth.length; i++) out[i] = truth[i] === voidClass ? 2 : truth[i] === predicted[i] ? 0 : 1
  return out
}

export interface HoverReadout {
  name: string
  color: [number, number, number]
  score: number
  cosine: number
  runnerUp: string
  runnerUpScore: number
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Top-2 read-out at a normalised point (x right, y down in [0, 1]). */
export function readoutAt(seg: LoadedSegmentation, xNorm: number, yNorm: number): HoverReadout {
  const { width, height, classes } = seg.meta
  const pixels = width * height
  const p = Math.min(height - 1, Math.floor(yNorm * height)) * width + Math.min(width - 1, Math.floor(xNorm * width))
  const winner = classes[seg.top2[p] as number]
  const runner = classes[seg.top2[pixels + p] as number]
  return {
    name: winner?.name ?? '?',
    color: winner?.color ?? [0, 0, 0],
    score: (seg.top2[2 * pixels + p] as number) / 65535,
    runnerUp: runner?.name ?? '?',
    runnerUpScore: (seg.top2[3 * pixels + p] as number) / 65535,
    cosine: (seg.top2[4 * pixels + p] as number) / 32767.5 - 1,
  }
}

/**
 * Fraction of camera pixels where two segmentations of the same frame name the same class (by name,
 * so results of different packs or class sets compare); null when frames or sizes differ.
 */
export function agreementByName(a: LoadedSegmentation, b: LoadedSegmentation): number | null {
  if (a.meta.sessionId !== b.meta.sessionId || a.meta.frameIndex !== b.meta.frameIndex) return null
  if (a.meta.cameraWidth !== b.meta.cameraWidth || a.meta.cameraHeight !== b.meta.cameraHeight) return null
  const toA = b.meta.classes.map((c) => a.meta.classes.findIndex((x) => x.name === c.name))
  let same = 0
  for (let i = 0; i < a.fullMap.length; i++) if (toA[b.fullMap[i] as number] === a.fullMap[i]) same++
  return a.fullMap.length ? same / a.fullMap.length : 0
}

export const useSegmentationStore = defineStore('segmentation', () => {
  const client = useApi()
  const sessionId = ref<string | null>(null)
  const frameIndex = ref(0)
  const classSets = ref<SegmentationClassSet[]>([])
  const classSetId = ref<string | null>(null)
  const mode = ref<SegmentationModeName>('text')
  /** The second mode when comparing side by side, or null. */
  const compareMode = ref<SegmentationModeName | null>(null)
  const primary = shallowRef<LoadedSegmentation | null>(null)
  const secondary = shallowRef<LoadedSegmentation | null>(null)
  const agreement = ref<number | null>(null)
  /** A result kept to compare against after switching the model pack (the scorer runs the active pack only). */
  const kept = shallowRef<LoadedSegmentation | null>(null)
  const keptAgreement = computed(() =>
    kept.value && primary.value ? agreementByName(primary.value, kept.value) : null,
  )
  /** "Ground truth" chosen in Compare: the frame's labels beside the prediction, with its IoU. */
  const compareTruth = ref(false)
  const truth = shallowRef<LoadedGroundTruth | null>(null)
  /** Why the ground truth of this frame could not be shown (no labels on it, no class in common…). */
  const truthError = ref<string | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)
  const cache = ref<CacheStatus | null>(null)
  const runJobId = ref<string | null>(null)
  const playing = ref(false)
  /** The whole recording segmented as a job (dominant class per frame for the timeline strip). */
  const recording = shallowRef<SessionSegmentationSummary | null>(null)
  const recordingJobId = ref<string | null>(null)
  /** Request → overlay-ready time of the last frame, in ms (shown while playing). */
  const lastFrameMs = ref<number | null>(null)
  let generation = 0

  const classSet = computed(() => classSets.value.find((s) => s.id === classSetId.value) ?? null)
  const modes = computed(() => classSet.value?.modes ?? [])

  async function loadClassSets(): Promise<void> {
    try {
      classSets.value = await client.api.segmentation.classSets()
      error.value = null
    } catch (e) {
      classSets.value = []
      error.value = message(e)
    }
    if (!classSet.value) classSetId.value = richestClassSet(classSets.value)?.id ?? null
    if (classSet.value && !classSet.value.modes.includes(mode.value)) mode.value = classSet.value.modes[0] ?? 'text'
  }

  async function fetchBytes(path: string): Promise<ArrayBuffer> {
    const response = await fetch(client.dataUrl(path))
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
    return response.arrayBuffer()
  }

  async function load(meta: FrameSegmentation): Promise<LoadedSegmentation> {
    const [full, top2] = await Promise.all([fetchBytes(meta.fullClassMapPath), fetchBytes(meta.top2Path)])
    return {
      meta,
      fullMap: meta.bytesPerIndex === 1 ? new Uint8Array(full) : new Uint16Array(full),
      top2: new Uint16Array(top2),
    }
  }

  /** Segments the current frame (both modes when comparing); stale answers are dropped. */
  async function run(): Promise<void> {
    const id = sessionId.value
    const set = classSetId.value
    if (!id || !set) return
    const mine = ++generation
    const started = performance.now()
    busy.value = true
    try {
      const request = { sessionId: id, frameIndex: frameIndex.value, classSetId: set }
      if (compareMode.value) {
        const result = await client.api.segmentation.compareModes({
          ...request,
          modes: [mode.value, compareMode.value],
        })
        const [left, right] = await Promise.all([load(result.left), load(result.right)])
        if (mine !== generation) return
        primary.value = left
        secondary.value = right
        agreement.value = result.agreement
      } else {
        const [loaded, groundTruth] = await Promise.all([
          client.api.segmentation.segmentFrame({ ...request, mode: mode.value }).then(load),
          compareTruth.value ? loadTruth({ ...request, mode: mode.value }) : Promise.resolve(null),
        ])
        if (mine !== generation) return
        primary.value = loaded
        secondary.value = null
        agreement.value = null
        truth.value = groundTruth
      }
      lastFrameMs.value = performance.now() - started
      error.value = null
    } catch (e) {
      if (mine === generation) error.value = message(e)
      playing.value = false
    } finally {
      if (mine === generation) busy.value = false
    }
  }

  async function loadTruth(request: {
    sessionId: string
    frameIndex: number
    classSetId: string
    mode: SegmentationModeName
  }): Promise<LoadedGroundTruth | null> {
    try {
      const meta = await client.api.classes.compareGroundTruth(request)
      const loaded = { meta, classes: new Uint16Array(await fetchBytes(meta.groundTruthPath)) }
      truthError.value = null
      return loaded
    } catch (e) {
      truthError.value = message(e)
      return null
    }
  }

  async function refreshCache(): Promise<void> {
    if (!sessionId.value) return
    cache.value = await client.api.inference.cacheStatus({ sessionId: sessionId.value }).catch(() => null)
  }

  async function open(id: string, frame: number): Promise<void> {
    const changed = id !== sessionId.value
    sessionId.value = id
    frameIndex.value = frame
    if (changed) {
      primary.value = null
      secondary.value = null
      truth.value = null
      void refreshCache()
    }
    if (classSets.value.length === 0) await loadClassSets()
    await run()
  }

  function setFrame(frame: number): Promise<void> {
    frameIndex.value = frame
    return run()
  }
  function setClassSet(id: string): Promise<void> {
    classSetId.value = id
    if (classSet.value && !classSet.value.modes.includes(mode.value)) mode.value = classSet.value.modes[0] ?? 'text'
    return run()
  }
  function setMode(next: SegmentationModeName): Promise<void> {
    mode.value = next
    return run()
  }
  function setCompare(next: SegmentationModeName | 'truth' | null): Promise<void> {
    compareTruth.value = next === 'truth'
    compareMode.value = next === 'truth' ? null : next
    if (next) kept.value = null
    if (next !== 'truth') truth.value = null
    return run()
  }

  /** Steps through the session, one frame after the previous one is drawn. */
  async function play(frameCount: number, onFrame: () => Promise<void>): Promise<void> {
    playing.value = true
    while (playing.value && frameIndex.value < frameCount - 1) {
      await setFrame(frameIndex.value + 1)
      await onFrame()
    }
    playing.value = false
  }
  /** The recording summary when it was made with the current session, class set and mode. */
  const currentRecording = computed(() => {
    const r = recording.value
    return r && r.sessionId === sessionId.value && r.classSetId === classSetId.value && r.mode === mode.value ? r : null
  })

  async function segmentRecording(): Promise<void> {
    if (!sessionId.value || !classSetId.value) return
    try {
      const { jobId } = await client.api.segmentation.segmentSession({
        sessionId: sessionId.value,
        classSetId: classSetId.value,
        mode: mode.value,
      })
      recordingJobId.value = jobId
      recording.value = await client.api.segmentation.sessionResult({ jobId })
      error.value = null
    } catch (e) {
      error.value = message(e)
    } finally {
      recordingJobId.value = null
    }
  }

  function keep(): void {
    kept.value = primary.value
    compareMode.value = null
    compareTruth.value = false
    truth.value = null
  }
  function release(): void {
    kept.value = null
  }

  function pause(): void {
    playing.value = false
  }

  async function runModel(): Promise<void> {
    if (!sessionId.value) return
    try {
      runJobId.value = (await client.api.inference.runOnSession({ sessionId: sessionId.value })).jobId
      await client.api.inference.runResult({ jobId: runJobId.value })
      error.value = null
    } catch (e) {
      error.value = message(e)
    } finally {
      runJobId.value = null
      await refreshCache()
    }
  }

  return {
    sessionId,
    frameIndex,
    classSets,
    classSetId,
    classSet,
    mode,
    modes,
    compareMode,
    compareTruth,
    truth,
    truthError,
    primary,
    secondary,
    agreement,
    kept,
    keptAgreement,
    keep,
    release,
    error,
    busy,
    cache,
    runJobId,
    playing,
    lastFrameMs,
    currentRecording,
    recordingJobId,
    segmentRecording,
    loadClassSets,
    open,
    run,
    setFrame,
    setClassSet,
    setMode,
    setCompare,
    play,
    pause,
    runModel,
    refreshCache,
  }
})
