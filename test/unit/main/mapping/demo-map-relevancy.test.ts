/**
 * The demo map with the demo pack: for the classes the model recognises in the frames, a text query is
 * most relevant on the voxels whose fused ground-truth label is the queried class; the map orders classes by cosine as the frames do; and the
 * compressed embeddings rank voxels like the uncompressed running means (Spearman ≥ 0.95). Skips until resources/demo-recording and
 * models/demo exist. DVE_MAP_TEST_PACK points it at another pack folder (to check the plumbing).
 */
import { mkdtempSync, rmSync } from 'node:fs'
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
import { QueryScoring } from '../../../../src-main/services/query/query-scoring'
import { rankAgreement } from '../../../../src-main/services/mapping/rank-agreement'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { buildAndWait } from './map-test-kit'
import { demoRecordingFrameCount, missingPaths } from '../../../helpers/prerequisites'

const repoRoot = resolve(import.meta.dirname, '../../../..')
const recording = join(repoRoot, 'resources', 'demo-recording')
const packDir = process.env.DVE_MAP_TEST_PACK
  ? resolve(process.env.DVE_MAP_TEST_PACK)
  : join(repoRoot, 'models', 'demo')
const missing = missingPaths('demo map relevancy test', [join(recording, 'session.json'), join(packDir, 'model.json')])
const queried = ['sofa', 'bed', 'plant']

describe.skipIf(missing.length > 0)('demo map relevancy', () => {
  let inference: Inference
  let service: MapService
  let jobs: JobRunner
  let fusion: LocalFusion | null = null
  const store = new SessionStore(join(tmpdir(), 'dve-none'), [recording])

  const home = mkdtempSync(join(tmpdir(), 'dve-demo-map-'))
  beforeAll(async () => {
    const events = new EventBus()
    jobs = new JobRunner(events)
    const frames = new SessionFrameReader(store)
    // The pack under test is the only one the models service sees.
    const paths = { ...consolePaths(home, repoRoot), shippedModels: resolve(packDir, '..') }
    inference = createInference({
      paths,
      frames,
      jobs,
      data: new DataRouter(),
      events,
      logger: new Logger(events, null),
    })
    await inference.models.init()
    await inference.models.ensureLoaded()
    service = new MapService({
      frames,
      embeddings: inference.inference,
      manifest: async (id) => (await store.get(id)).manifest,
      jobs,
      events,
      scoring: new QueryScoring({ embeddings: inference.inference, vocabulary: null, packs: inference.models }),
      mapsRoot: join(home, 'maps'),
      allowFileExport: false,
      // The last test reads the grid's exact sums after the build, so its final snapshot copies them
      // (a final snapshot otherwise takes the grid's arrays and frees the sums).
      startEngine: async (init) => {
        const engine = (fusion = new LocalFusion(init))
        return {
          fuse: (frame) => engine.fuse(frame),
          snapshot: (meta, withCodes) => engine.snapshot(meta, withCodes),
          dispose: () => engine.dispose(),
        }
      },
    })
    await buildAndWait(
      { service, jobs, mapsRoot: join(home, 'maps') },
      { sessionId: 'demo-apartment', voxelSizeMeters: 0.05, frameStep: 2 },
    )
  }, 600_000)
  afterAll(async () => {
    await inference?.dispose()
    // The demo walk's embedding cache is hundreds of MB.
    rmSync(home, { recursive: true, force: true })
  })

  /** Per label class of the frames (every 10th), the sum of the model's embeddings and the pixel count. */
  let frameSums: Map<number, { sum: Float64Array; n: number }>
  async function classSumsInFrames() {
    if (frameSums) return frameSums
    const frames = new SessionFrameReader(store)
    frameSums = new Map()
    for (let f = 0; f < demoRecordingFrameCount(); f += 10) {
      const emb = await inference.inference.frameEmbeddings('demo-apartment', f)
      const labels = (await frames.loadLabels('demo-apartment', f))!
      for (let y = 0; y < emb.height; y++) {
        for (let x = 0; x < emb.width; x++) {
          const label =
            labels.data[Math.floor((y + 0.5) * emb.scaleY) * labels.width + Math.floor((x + 0.5) * emb.scaleX)]!
          const entry = frameSums.get(label) ?? { sum: new Float64Array(emb.dim), n: 0 }
          const at = (y * emb.width + x) * emb.dim
          for (let d = 0; d < emb.dim; d++) entry.sum[d]! += emb.data[at + d]!
          entry.n++
          frameSums.set(label, entry)
        }
      }
    }
    return frameSums
  }
  /** Mean of `values` over the voxels of each fused label class with at least 20 voxels, best first. */
  function classMeansInMap(loaded: { map: { count: number; labels: ArrayLike<number> } }, values: ArrayLike<number>) {
    const sums = new Map<number, { sum: number; n: number }>()
    for (let i = 0; i < loaded.map.count; i++) {
      const entry = sums.get(loaded.map.labels[i]!) ?? { sum: 0, n: 0 }
      entry.sum += values[i]!
      entry.n++
      sums.set(loaded.map.labels[i]!, entry)
    }
    return [...sums.entries()]
      .filter(([id, e]) => id !== 0 && e.n >= 20)
      .map(([id, e]) => ({ id, mean: e.sum / e.n }))
      .sort((a, b) => b.mean - a.mean)
  }
  /** The classes the model itself picks out in the frames: their name's text embedding is closest to their own pixels. */
  async function classesTheModelRecognises() {
    const loaded = (await service.current('demo-apartment'))!
    const sums = await classSumsInFrames()
    const recognised: Array<{ id: number; name: string }> = []
    for (const { id, name } of loaded.map.meta.labelClasses) {
      if (id === 0 || (sums.get(id)?.n ?? 0) < 20) continue
      const [q] = await inference.inference.textEmbeddings([name])
      const means = [...sums.entries()]
        .filter(([label, e]) => label !== 0 && e.n >= 20)
        .map(([label, e]) => ({ label, mean: e.sum.reduce((acc, v, d) => acc + v * q![d]!, 0) / e.n }))
        .sort((a, b) => b.mean - a.mean)
      if (means[0]?.label === id) recognised.push({ id, name })
    }
    return recognised
  }

  it('makes relevancy highest on the voxels of the queried class, for the classes the model recognises in the frames', async () => {
    const loaded = (await service.current('demo-apartment'))!
    const recognised = await classesTheModelRecognises()
    // The demo pack is small: it recognises 14 of the recording's 18 classes; far fewer means it regressed.
    expect(recognised.length, recognised.map((c) => c.name).join(', ')).toBeGreaterThanOrEqual(10)
    const ranks: string[] = []
    const found: Array<{ rank: number; mean: number; restMean: number }> = []
    for (const { id, name } of recognised) {
      const result = await service.query({ sessionId: 'demo-apartment', text: name })
      const means = classMeansInMap(loaded, service.arrayBytes(result.relevancyPath.split('/').pop()!))
      const rank = means.findIndex((m) => m.id === id)
      const rest = means.filter((m) => m.id !== id)
      const restMean = rest.reduce((acc, m) => acc + m.mean, 0) / rest.length
      found.push({ rank, mean: means[rank]?.mean ?? 0, restMean })
      ranks.push(`${name}: rank ${rank}, ${(means[rank]?.mean ?? 0).toFixed(0)} vs ${restMean.toFixed(0)}`)
    }
    const why = ranks.join('; ')
    // Among ~20 classes in the map the queried one is near the top, and well above the others' mean.
    for (const { rank, mean, restMean } of found) {
      expect(rank, why).toBeGreaterThanOrEqual(0)
      expect(rank, why).toBeLessThanOrEqual(4)
      expect(mean, why).toBeGreaterThan(1.5 * restMean)
    }
    // Voxel-weighted means differ from pixel-weighted ones (near, small or thin objects such as a TV
    // on a wall weigh less in voxels), so not every class is first; most are, and most are top three.
    expect(found.filter((f) => f.rank === 0).length, why).toBeGreaterThanOrEqual(Math.ceil(found.length / 2))
    expect(found.filter((f) => f.rank <= 2).length, why).toBeGreaterThanOrEqual(Math.ceil(0.8 * found.length))
  })

  it('orders the classes by cosine to a query as the frames themselves do (the map is faithful to the model)', async () => {
    const loaded = (await service.current('demo-apartment'))!
    const sums = await classSumsInFrames()
    for (const q of await inference.inference.textEmbeddings(queried)) {
      const inMap = new Map(classMeansInMap(loaded, loaded.cosines(q)).map((m) => [m.id, m.mean]))
      const classes = [...inMap.keys()].filter((id) => (sums.get(id)?.n ?? 0) >= 20)
      const inFrames = Float32Array.from(
        classes,
        (id) => sums.get(id)!.sum.reduce((acc, v, d) => acc + v * q[d]!, 0) / sums.get(id)!.n,
      )
      expect(
        rankAgreement(
          inFrames,
          Float32Array.from(classes, (id) => inMap.get(id)!),
          3,
        ).spearman,
      ).toBeGreaterThan(0.8)
    }
  })

  it('keeps the ranking of the uncompressed map (Spearman ≥ 0.95 for each query)', async () => {
    const loaded = (await service.current('demo-apartment'))!
    const grid = fusion!.grid
    const dim = grid.embeddingDim
    const vectors = await inference.inference.textEmbeddings(queried)
    for (const q of vectors) {
      const exact = new Float32Array(grid.count)
      const mean = new Float32Array(dim)
      for (let i = 0; i < grid.count; i++) {
        grid.embeddings.exactMean(i, mean)
        let dot = 0
        for (let d = 0; d < dim; d++) dot += mean[d]! * q[d]!
        exact[i] = dot
      }
      const { spearman, topOverlap } = rankAgreement(exact, loaded.cosines(q), 500)
      expect(spearman).toBeGreaterThanOrEqual(0.95)
      expect(topOverlap).toBeGreaterThanOrEqual(0.8)
    }
  })
})
