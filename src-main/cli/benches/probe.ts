/**
 * `dve bench probe`: probe training on 50k labelled pixels × 768-d, 40 classes (default options)
 * against a same-run baseline of one pass of the forward product X·Wᵀ, and the time from a stroke
 * (saveLabels) to the updated probe through the real service and worker, on synthetic unit-norm
 * embeddings clustered by class (no model pack needed).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { SessionManifest } from '../../contract'
import { createClasses } from '../../services/classes/create-classes'
import { OrtProbeMath } from '../../services/classes/ort-probe-math'
import { defaultProbeOptions, trainProbe } from '../../services/classes/probe-trainer'
import { seededRandom } from '../../services/seeded-random'
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { JobRunner } from '../../services/jobs/job-runner'
import { InferenceWorkerClient } from '../../services/inference/worker-client'
import type { EmbeddingMap, EmbeddingProvider, FrameReader, FrameScorer, ModelPackProvider } from '../../services/ports'
import { median, timeRuns } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

const dim = 768
const classCount = 40
const pixels = 50_000

/** Unit rows near one of `classCount` random directions; the class of row i is i % classCount. */
function clusteredRows(rows: number, seed: number): { embeddings: Float32Array; labels: Uint16Array } {
  const random = seededRandom(seed)
  const centres = Float32Array.from({ length: classCount * dim }, () => random() - 0.5)
  const embeddings = new Float32Array(rows * dim)
  const labels = new Uint16Array(rows)
  for (let i = 0; i < rows; i++) {
    const c = i % classCount
    labels[i] = c
    let norm = 0
    for (let d = 0; d < dim; d++) {
      const v = (centres[c * dim + d] as number) + (random() - 0.5) * 2
      embeddings[i * dim + d] = v
      norm += v * v
    }
    const s = 1 / Math.sqrt(norm)
    for (let d = 0; d < dim; d++) embeddings[i * dim + d] = (embeddings[i * dim + d] as number) * s
  }
  return { embeddings, labels }
}

export const probeBench: Bench = {
  name: 'probe',
  description: 'Live probe: training 50k × 768-d, 40 classes vs one forward product; stroke → updated probe',
  async run(_ctx, options) {
    const rows: BenchRow[] = []
    const data = { dim, classCount, ...clusteredRows(pixels, 5) }
    const math = await OrtProbeMath.create()
    try {
      const weights = new Float32Array(classCount * dim).fill(0.01)
      const forward = median(
        await timeRuns(
          () => math.probabilities(data.embeddings, pixels, dim, weights, new Float32Array(classCount), classCount),
          options.quick ? 3 : 10,
        ),
      )
      rows.push({ name: 'baseline: one forward X·Wᵀ + softmax (50k × 768 × 40)', value: forward, unit: 'ms' })
      const training = median(
        await timeRuns(() => trainProbe(data, defaultProbeOptions, math), options.quick ? 1 : 3, 1),
      )
      rows.push({
        name: `probe training (${defaultProbeOptions.epochs} epochs, 50k px, 768-d, 40 classes)`,
        value: training / 1000,
        unit: 's',
        ratio: { value: training / forward, baseline: 'forward' },
        aim: '≤ 2 s',
      })
    } finally {
      await math.release()
    }
    rows.push(await strokeToProbe(options.quick ? 2 : 5))
    return rows
  },
}

/**
 * A session of 10 frames (640×480 camera, 160×120 embeddings) with ~50k labelled output pixels; one
 * stroke on frame 0, then the retrain the UI starts after it, until the probe is saved.
 */
async function strokeToProbe(runs: number): Promise<BenchRow> {
  const home = await mkdtemp(join(tmpdir(), 'dve-bench-probe-'))
  const cameraWidth = 640
  const cameraHeight = 480
  const frameCount = 10
  const maps = new Map<number, EmbeddingMap>()
  const embeddings: EmbeddingProvider = {
    async frameEmbeddings(_s, frameIndex) {
      let map = maps.get(frameIndex)
      if (!map) {
        const { embeddings: data } = clusteredRows(160 * 120, frameIndex + 1)
        map = { dim, width: 160, height: 120, scaleX: 4, scaleY: 4, data }
        maps.set(frameIndex, map)
      }
      return map
    },
    textEmbeddings: async () => [],
    activeModelId: () => 'bench',
  }
  const unused = async (): Promise<never> => {
    throw new Error('not used by the bench')
  }
  const frames: FrameReader = { frameCount: async () => frameCount, loadFrame: unused, loadLabels: async () => null }
  const scorer: FrameScorer = { scoreFrame: unused }
  const packs: ModelPackProvider = { activePack: () => null, onActivePackChanged: () => () => undefined }
  const manifest = {
    camera: { width: cameraWidth, height: cameraHeight },
    frames: Array.from({ length: frameCount }, (_, index) => ({ index })),
  } as unknown as SessionManifest
  const jobs = new JobRunner(new EventBus())
  const native = new InferenceWorkerClient({
    log: { info: () => undefined, warn: (source, message) => console.warn(`${source}: ${message}`) },
  })
  const classes = createClasses({
    home,
    frames,
    embeddings,
    scorer,
    packs,
    manifest: async () => manifest,
    jobs,
    data: new DataRouter(),
    allowFileAccess: true,
    probeTrainer: native,
  })
  try {
    const set = await classes.service.create({
      name: 'bench',
      classes: Array.from({ length: classCount }, (_, k) => ({
        name: `class ${k}`,
        color: [k, k, k] as [number, number, number],
        prompts: [],
      })),
    })
    // Label ~26% of every frame: 125 camera rows in 40 bands of ~3 rows each class (stride-4 rows).
    for (let f = 0; f < frameCount; f++) {
      const labelRuns: number[] = []
      for (let y = 0; y < 124; y++) labelRuns.push(y * cameraWidth, cameraWidth, 1 + (Math.floor(y / 4) % classCount))
      await classes.service.saveLabels({
        sessionId: 'bench',
        classSetId: set.id,
        frameIndex: f,
        width: cameraWidth,
        height: cameraHeight,
        runs: labelRuns,
      })
    }
    const waitForJob = async (id: string) => {
      for (;;) {
        const job = (await jobs.list()).find((j) => j.id === id)
        if (job && job.state !== 'running') return job
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    await waitForJob((await classes.service.trainProbe({ classSetId: set.id })).jobId) // warm: native process, ORT sessions, sample cache
    const times: number[] = []
    for (let r = 0; r < runs; r++) {
      const start = performance.now()
      await classes.service.saveLabels({
        sessionId: 'bench',
        classSetId: set.id,
        frameIndex: 0,
        width: cameraWidth,
        height: cameraHeight,
        runs: [200 * cameraWidth + r * 8, 64, 1 + r],
      })
      await waitForJob((await classes.service.trainProbe({ classSetId: set.id })).jobId)
      times.push(performance.now() - start)
    }
    const status = await classes.service.probeStatus({ classSetId: set.id })
    return {
      name: `stroke → updated probe (${status.trainPixels + status.heldOutPixels} labelled px, native-work process)`,
      value: median(times) / 1000,
      unit: 's',
      aim: 'within seconds',
    }
  } finally {
    await native.dispose()
    await rm(home, { recursive: true, force: true })
  }
}
