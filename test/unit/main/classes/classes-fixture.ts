/** Fakes for the classes service: a 2-frame session whose left half is "chair" and right half "table". */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { SessionManifest } from '../../../../src-main/contract'
import { createClasses } from '../../../../src-main/services/classes/create-classes'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'
import type {
  EmbeddingMap,
  EmbeddingProvider,
  FrameReader,
  FrameScorer,
  ModelPackProvider,
} from '../../../../src-main/services/ports'

// Camera 8×6, embeddings 4×3 at stride 2, dim 4: left half of each frame points along e0 ("chair"),
// right half along e1 ("table"); ground truth says the same with session ids 1 and 2.
export const cameraWidth = 8
export const cameraHeight = 6
export const dim = 4

function embeddingMap(): EmbeddingMap {
  const data = new Float32Array(4 * 3 * dim)
  for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) data[(y * 4 + x) * dim + (x < 2 ? 0 : 1)] = 1
  return { dim, width: 4, height: 3, scaleX: 2, scaleY: 2, data }
}

export const embeddings: EmbeddingProvider = {
  frameEmbeddings: async () => embeddingMap(),
  // "chair" → e0, "table" → e1, anything else → e2.
  textEmbeddings: async (texts) =>
    texts.map((t) =>
      Float32Array.from({ length: dim }, (_, i) =>
        i === (t.includes('chair') ? 0 : t.includes('table') ? 1 : 2) ? 1 : 0,
      ),
    ),
  activeModelId: () => 'fake',
}

export const scorer: FrameScorer = {
  async scoreFrame(_s, _f, vectors, bias) {
    const map = embeddingMap()
    const plane = map.width * map.height
    const scores = new Float32Array(vectors.length * plane)
    vectors.forEach((v, k) => {
      for (let p = 0; p < plane; p++) {
        let dot = bias?.[k] ?? 0
        for (let d = 0; d < dim; d++) dot += (v[d] as number) * (map.data[p * dim + d] as number)
        scores[k * plane + p] = dot
      }
    })
    return { count: vectors.length, width: map.width, height: map.height, scaleX: 2, scaleY: 2, scores }
  },
}

export const frames: FrameReader = {
  frameCount: async () => 2,
  loadFrame: async () => {
    throw new Error('unused')
  },
  loadLabels: async () => ({
    width: cameraWidth,
    height: cameraHeight,
    data: Uint16Array.from({ length: 48 }, (_, i) => (i % 8 < 4 ? 1 : 2)),
  }),
}

export const manifest = {
  camera: { width: cameraWidth, height: cameraHeight },
  frames: [
    { index: 0, rgb: 'rgb/000000.jpg', labels: 'labels/000000.png' },
    { index: 1, rgb: 'rgb/000001.jpg', labels: 'labels/000001.png' },
  ],
  labelClasses: [
    { id: 0, name: 'void', color: [0, 0, 0] },
    { id: 1, name: 'chair', color: [1, 1, 1] },
    { id: 2, name: 'table', color: [2, 2, 2] },
  ],
} as unknown as SessionManifest

export const packs: ModelPackProvider = {
  activePack: () => ({
    id: 'fake',
    dir: '/nonexistent',
    manifest: { classSets: [], text: {}, image: { embeddingDim: dim } } as unknown as SessionManifest & never,
  }),
  onActivePackChanged: () => () => undefined,
}

export function setup() {
  const home = mkdtempSync(join(tmpdir(), 'dve-classes-'))
  const jobs = new JobRunner(new EventBus())
  const native = new InferenceWorkerClient({ log: { info: () => undefined, warn: () => undefined } })
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
  disposers.push(() => native.dispose())
  return { home, jobs, native, ...classes }
}
export const disposers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const dispose of disposers) await dispose()
})

type ClassInput = { name: string; color: [number, number, number]; prompts: string[]; hotkey: number }
export const twoClasses: [ClassInput, ClassInput] = [
  { name: 'chair', color: [230, 159, 0], prompts: ['chair'], hotkey: 1 },
  { name: 'table', color: [86, 180, 233], prompts: ['table'], hotkey: 2 },
]

export async function waitFor(jobs: JobRunner, id: string) {
  for (;;) {
    const info = (await jobs.list()).find((j) => j.id === id)
    if (info && info.state !== 'running') return info
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
