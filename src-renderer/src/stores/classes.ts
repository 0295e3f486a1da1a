/**
 * Classes view state: the class sets, the one being edited, its probe status (refreshed on job
 * events), a debounced auto-retrain after strokes, and the last evaluation.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ClassDefInput, ClassSetDetail, EvaluationReport, ProbeStatus, SegmentationModeName } from '@contract'
import { useApi } from '../api/install'
import { useJobsStore } from './jobs'
import { richestClassSet } from './default-class-set'

/**
 * A stroke after a pause retrains at once (the overlay should follow it within half a second,
 * docs/BENCHMARKS.md); further strokes within this window of the last one start one more retrain
 * when they pause, not one each (the service cancels the retrain in flight when the next starts).
 */
export const retrainDebounceMs = 150

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export const useClassesStore = defineStore('classes', () => {
  const client = useApi()
  const jobs = useJobsStore()
  const sets = ref<ClassSetDetail[]>([])
  const selectedId = ref<string | null>(null)
  const selected = computed(() => sets.value.find((s) => s.id === selectedId.value) ?? null)
  const probe = ref<ProbeStatus | null>(null)
  const autoRetrain = ref(true)
  const evaluation = ref<EvaluationReport | null>(null)
  const evaluating = ref(false)
  const error = ref<string | null>(null)
  /** Damaged class-set files, each with its path and what is wrong (the other sets keep working). */
  const problems = ref<Array<{ file: string; problem: string }>>([])
  let retrainTimer: ReturnType<typeof setTimeout> | null = null
  /** A stroke arrived within the window after the one that retrained: retrain once more when it ends. */
  let retrainAgain = false

  async function guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work()
      error.value = null
      return result
    } catch (e) {
      error.value = message(e)
      return undefined
    }
  }

  /** The user's own sets first (they are the ones labelled); else the richest read-only one. */
  function defaultSetId(): string | null {
    return (sets.value.find((s) => !s.readOnly) ?? richestClassSet(sets.value))?.id ?? null
  }

  async function refresh(): Promise<void> {
    await guard(async () => {
      sets.value = await client.api.classes.list()
      if (!selected.value) selectedId.value = defaultSetId()
      // Secondary: the sets above work whether or not the problems can be listed.
      problems.value = await client.api.classes.problems().catch(() => [])
    })
    await refreshProbe()
  }

  // A pack loaded in the background after start, or another one activated, brings its own class sets
  // (and decides which modes each set offers): a view opened before that would otherwise never see them.
  client.on('changed', (change) => {
    if (change.service === 'models') void refresh()
  })

  async function select(id: string): Promise<void> {
    selectedId.value = id
    evaluation.value = null
    await refreshProbe()
  }

  async function refreshProbe(): Promise<void> {
    const id = selectedId.value
    probe.value = id ? ((await guard(() => client.api.classes.probeStatus({ classSetId: id }))) ?? null) : null
  }

  function replace(detail: ClassSetDetail): void {
    const others = sets.value.filter((s) => s.id !== detail.id)
    sets.value = [...others, detail].sort(
      (a, b) => Number(a.readOnly) - Number(b.readOnly) || a.name.localeCompare(b.name),
    )
    selectedId.value = detail.id
  }

  const create = (name: string) => guard(async () => replace(await client.api.classes.create({ name })))
  const duplicate = (id: string, name: string) =>
    guard(async () => replace(await client.api.classes.duplicate({ id, name })))
  const rename = (id: string, name: string) => guard(async () => replace(await client.api.classes.rename({ id, name })))
  const updateClasses = (id: string, classes: ClassDefInput[]) =>
    guard(async () => replace(await client.api.classes.updateClasses({ id, classes })))
  async function remove(id: string): Promise<void> {
    await guard(async () => {
      await client.api.classes.remove({ id })
      sets.value = sets.value.filter((s) => s.id !== id)
      selectedId.value = defaultSetId()
    })
    await refreshProbe()
  }

  async function train(): Promise<void> {
    const id = selectedId.value
    if (!id) return
    const started = await guard(() => client.api.classes.trainProbe({ classSetId: id }))
    if (!started) return
    // Listening before the status request: a short retrain may end while it is answered.
    const done = jobs.whenDone(started.jobId)
    await refreshProbe()
    const job = await done
    if (selectedId.value !== id) return
    await refreshProbe()
    if (job.state === 'done') await refreshSet(id)
  }

  async function computeMeans(): Promise<void> {
    const id = selectedId.value
    if (!id) return
    const started = await guard(() => client.api.classes.computeMeans({ classSetId: id }))
    if (!started) return
    const job = await jobs.whenDone(started.jobId)
    if (job.state === 'failed') error.value = job.error
    else await refreshSet(id)
  }

  async function refreshSet(id: string): Promise<void> {
    const detail = await guard(() => client.api.classes.get({ id }))
    if (detail) replace(detail)
  }

  /**
   * Called after each saved stroke: the probe status follows the labels (so the panel can ask for a
   * second class) and, with auto-retrain on, the probe retrains — at once after a pause, and once
   * more when a run of quick strokes ends (the service cancels a run in flight).
   */
  function strokeSaved(): void {
    if (!selected.value || selected.value.readOnly) return
    if (retrainTimer) {
      clearTimeout(retrainTimer)
      retrainAgain = true
    } else followLabels()
    retrainTimer = setTimeout(() => {
      retrainTimer = null
      if (retrainAgain) followLabels()
      retrainAgain = false
    }, retrainDebounceMs)
  }

  function followLabels(): void {
    // Until two classes have labels the panel asks for a second class; nothing is started or failed.
    void refreshProbe().then(async () => {
      if (autoRetrain.value && (probe.value?.labelledClassCount ?? 0) >= 2) await train()
    })
  }

  async function evaluate(sessionId: string, modes: SegmentationModeName[]): Promise<void> {
    const id = selectedId.value
    if (!id) return
    evaluating.value = true
    try {
      await guard(async () => {
        const { jobId } = await client.api.classes.evaluate({ sessionId, classSetId: id, modes })
        evaluation.value = await client.api.classes.evaluationResult({ jobId })
      })
    } finally {
      evaluating.value = false
    }
  }

  return {
    sets,
    selectedId,
    selected,
    probe,
    autoRetrain,
    evaluation,
    evaluating,
    error,
    problems,
    refresh,
    select,
    create,
    duplicate,
    rename,
    updateClasses,
    remove,
    train,
    computeMeans,
    strokeSaved,
    evaluate,
  }
})
