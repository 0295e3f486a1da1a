/**
 * The demo map with the demo pack: a text query is most relevant on the voxels whose fused
 * ground-truth label is the queried class; the map orders classes by cosine as the frames do; and the
 * compressed embeddings rank voxels like the uncompressed running means (Spearman ≥ 0.95). Skips until resources/demo-recording and
 * models/demo exist. DVE_MAP_TEST_PACK points it at another pack folder (to check the plumbing).
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consolePaths } from '../../../../src-main/platform/paths'
import { DataRouter } from '../../../../src-main/services/data-router'
import { EventBus } from '../../../../src-main/services/event-bus'
import { createInference, type Inference } from '../../../../src-main/services/inference/create-inference'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { Logger } from '../../../../src-main/services/logger'
import { LocalFusion } from '../../../../src-main/services/mapping/fusion-engine'
import { MapService } from '../../../../src-main/services/mapping/map-service'
import { rankAgreement } from '../../../../src-main/services/mapping/rank-agreement'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { buildAndWait } from './map-test-kit'

const repoRoot = resolve(import.meta.dirname, '../../../..')
const recording = join(repoRoot, 'resources', 'demo-recording')
const packDir = process.env.DVE_MAP_TEST_PACK ? resolve(process.env.DVE_MAP_TEST_PACK) : join(repoRoot, 'models', 'demo')
const missing = [join(recording, 'session.json'), join(packDir, 'model.json')].filter((p) => !existsSync(p))
if (missing.length) console.warn(`demo map relevancy test skipped: missing ${missing.join(', ')}`)
const queried = ['sofa', 'bed', 'plant']

describe.skipIf(missing.length > 0)('demo map relevancy', () => {
  let inference: Inference
  let service: MapService
  let jobs: JobRunner
  let fusion: LocalFusion | null = null
  const store = new SessionStore(join(tmpdir(), 'dve-none'), [recording])

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-demo-map-'))
    const events = new EventBus()
    jobs = new JobRunner(events)
    const frames = new SessionFrameReader(store)
    // The pack under test is the only one the models service sees.
    const paths = { ...consolePaths(home, repoRoot), shippedModels: resolve(packDir, '..') }
    inference = createInference({ paths, frames, jobs, data: new DataRouter(), events, logger: new Logger(events, null) })
    await inference.models.init()
    await inference.models.ensureLoaded()
    service = new MapService({
      frames, embeddings: inference.inference, manifest: async (id) => (await store.get(id)).manifest, jobs, events,
      mapsRoot: join(home, 'maps'), allowFileExport: false,
      startEngine: async (init) => (fusion = new LocalFusion(init)),
    })
    await buildAndWait({ service, jobs, mapsRoot: join(home, 'maps') }, { sessionId: 'demo-apartment', voxelSizeMeters: 0.05, frameStep: 2 })
  }, 600_000)
  afterAll(async () => {
    await inference?.dispose()
  })

  it.each(queried)('ranks the "%s" voxels above every other class', async (name) => {
    const loaded = (await service.current('demo-apartment'))!
    const classId = loaded.map.meta.labelClasses.find((c) => c.name === name)!.id
    const result = await service.query({ sessionId: 'demo-apartment', text: name })
    const relevancy = service.arrayBytes(result.relevancyPath.split('/').pop()!)
    const sums = new Map<number, { sum: number; n: number }>()
    for (let i = 0; i < loaded.map.count; i++) {
      const entry = sums.get(loaded.map.labels[i]!) ?? { sum: 0, n: 0 }
      entry.sum += relevancy[i]!
      entry.n++
      sums.set(loaded.map.labels[i]!, entry)
    }
    const means = [...sums.entries()].filter(([id, e]) => id !== 0 && e.n >= 20).map(([id, e]) => ({ id, mean: e.sum / e.n })).sort((a, b) => b.mean - a.mean)
    expect(means.find((m) => m.id === classId)).toBeDefined()
    expect(means[0]!.id).toBe(classId)
    expect(result.pins[0]?.nearLabel).toBe(name)
  })

  it('orders the classes by cosine to a query as the frames themselves do (the map is faithful to the model)', async () => {
    const loaded = (await service.current('demo-apartment'))!
    const frames = new SessionFrameReader(store)
    for (const [q] of await Promise.all(queried.map((name) => inference.inference.textEmbeddings([name])))) {
      const inFrames = new Map<number, { sum: number; n: number }>()
      for (let f = 0; f < 260; f += 10) {
        const emb = await inference.inference.frameEmbeddings('demo-apartment', f)
        const labels = (await frames.loadLabels('demo-apartment', f))!
        for (let y = 0; y < emb.height; y++) {
          for (let x = 0; x < emb.width; x++) {
            const label = labels.data[Math.floor((y + 0.5) * emb.scaleY) * labels.width + Math.floor((x + 0.5) * emb.scaleX)]!
            let dot = 0
            for (let d = 0; d < emb.dim; d++) dot += emb.data[(y * emb.width + x) * emb.dim + d]! * q![d]!
            const entry = inFrames.get(label) ?? { sum: 0, n: 0 }
            entry.sum += dot
            entry.n++
            inFrames.set(label, entry)
          }
        }
      }
      const cosines = loaded.cosines(q!)
      const inMap = new Map<number, { sum: number; n: number }>()
      for (let i = 0; i < loaded.map.count; i++) {
        const entry = inMap.get(loaded.map.labels[i]!) ?? { sum: 0, n: 0 }
        entry.sum += cosines[i]!
        entry.n++
        inMap.set(loaded.map.labels[i]!, entry)
      }
      const classes = [...inMap.keys()].filter((id) => id !== 0 && (inMap.get(id)?.n ?? 0) >= 20 && (inFrames.get(id)?.n ?? 0) >= 20)
      const mean = (m: Map<number, { sum: number; n: number }>) => Float32Array.from(classes, (id) => m.get(id)!.sum / m.get(id)!.n)
      expect(rankAgreement(mean(inFrames), mean(inMap), 3).spearman).toBeGreaterThan(0.8)
    }
  })

  it('keeps the ranking of the uncompressed map (Spearman ≥ 0.95 for each query)', async () => {
    const loaded = (await service.current('demo-apartment'))!
    const grid = fusion!.grid
    const dim = grid.embeddingDim
    const vectors = await inference.inference.textEmbeddings(queried)
    for (const q of vectors) {
      const exact = new Float32Array(grid.count)
      for (let i = 0; i < grid.count; i++) {
        let dot = 0, norm = 0
        for (let d = 0; d < dim; d++) {
          const v = grid.embeddingSum[i * dim + d]!
          dot += v * q[d]!
          norm += v * v
        }
        exact[i] = dot / Math.sqrt(norm || 1)
      }
      const { spearman, topOverlap } = rankAgreement(exact, loaded.cosines(q), 500)
      expect(spearman).toBeGreaterThanOrEqual(0.95)
      expect(topOverlap).toBeGreaterThanOrEqual(0.8)
    }
  })
})
