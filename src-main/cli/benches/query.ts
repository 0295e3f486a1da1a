/**
 * `dve bench query`: latency of a whole-recording query over 300 frames with cached embeddings
 * (the pooled session index) against a same-run baseline that scans every pixel embedding, and
 * the heatmap update after the last key. Runs on a synthetic 256-d world at the demo pack's output
 * size, so it needs no model pack; with an active pack it also times the real text encode and the
 * real heatmap after a key (new text + ORT scoring) on the demo recording.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { askTypingDebounceMs, type AskQueryInput } from '../../contract'
import { consolePaths } from '../../platform/paths'
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { JobRunner } from '../../services/jobs/job-runner'
import type { EmbeddingMap } from '../../services/ports'
import { QueryService } from '../../services/query/query-service'
import { QueryScoring } from '../../services/query/query-scoring'
import { relevancyFromScores } from '../../services/query/relevancy'
import { SyntheticEmbeddingWorld } from '../../services/query/synthetic-embedding-world'
import type { CliContext } from '../cli-context'
import { median, timeRuns } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

const sessionId = 'synthetic'
/** Distinct embedding maps kept for the baseline scan (300 × 4.9 MB would not fit comfortably). */
const baselineDistinctMaps = 20
const demoSessionId = 'demo-apartment'

export const queryBench: Bench = {
  name: 'query',
  description: 'Ask: whole-recording query via the session index vs a per-pixel scan; heatmap update while typing',
  async run(ctx, options) {
    const frameCount = 300
    const world = new SyntheticEmbeddingWorld({
      frameCount, dim: 256, width: 80, height: 60, fps: 10, seed: 11,
      things: [
        { names: ['bean bag'], firstFrame: 40, lastFrame: 80, box: { x0: 0.5, y0: 0.5, x1: 0.8, y1: 0.9 } },
        { names: ['massage chair'], firstFrame: 150, lastFrame: 200, box: { x0: 0.1, y0: 0.2, x1: 0.4, y1: 0.8 } },
      ],
    })
    const home = await mkdtemp(join(tmpdir(), 'dve-bench-query-'))
    const service = new QueryService({
      frames: world, embeddings: world, scorer: world, prompt: null, map: null,
      scoring: new QueryScoring({ embeddings: world, vocabulary: null, packs: null }),
      jobs: new JobRunner(new EventBus()), data: new DataRouter(), paths: consolePaths(home),
    })
    try {
      const query: AskQueryInput = { source: { kind: 'text', text: 'where is the massage chair' } }
      const runs = options.quick ? 3 : 10
      const buildStart = performance.now()
      await service.search({ sessionId, query })
      const buildMsPerFrame = (performance.now() - buildStart) / frameCount

      const indexed = await timeRuns(() => service.search({ sessionId, query }), runs, 1)
      const maps: EmbeddingMap[] = []
      for (let i = 0; i < baselineDistinctMaps; i++) maps.push(await world.frameEmbeddings(sessionId, i))
      const vectors = await world.textEmbeddings(['massage chair', 'object', 'things', 'stuff', 'texture'])
      const scan = await timeRuns(() => scanEveryPixel(maps, frameCount, vectors), options.quick ? 1 : 3, 0)

      const heatmap = await timeRuns(() => service.frame({ sessionId, frameIndex: 170, queries: [query] }), runs, 1)
      const indexedMs = median(indexed)
      const scanMs = median(scan)
      const heatmapMs = median(heatmap) + askTypingDebounceMs
      const rows: BenchRow[] = [
        { name: 'per-pixel scan of 300 frames (baseline)', value: scanMs, unit: 'ms' },
        { name: 'whole-recording query, 300 frames (index)', value: indexedMs, unit: 'ms', ratio: { value: indexedMs / scanMs, baseline: 'scan' }, aim: '≤ 300 ms' },
        { name: 'index build per frame (pool + store)', value: buildMsPerFrame, unit: 'ms' },
        { name: `heatmap after last key (${askTypingDebounceMs} ms debounce + query)`, value: heatmapMs, unit: 'ms', aim: '≤ 100 ms' },
      ]
      return [...rows, ...(await activePackRows(ctx, runs))]
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  },
}

/** Text encode and heatmap-after-a-key with the active pack; none without one (said on stderr). */
async function activePackRows(ctx: CliContext, runs: number): Promise<BenchRow[]> {
  const services = await ctx.services()
  const model = (await services.api.app.info()).activeModel
  const sessions = await services.api.sessions.list()
  if (!model || !sessions.some((s) => s.id === demoSessionId)) {
    process.stderr.write(`query bench: ${model ? `no ${demoSessionId} session` : 'no active model pack'}; real text encode and heatmap not measured.\n`)
    return []
  }
  // Every run asks a phrase never seen before, as typing does, so the text cache does not help.
  let typed = 0
  const encode = await timeRuns(() => services.api.inference.embedText({ texts: [`red chair ${typed++}`] }), runs, 1)
  const heatmap = await timeRuns(
    () => services.api.query.frame({ sessionId: demoSessionId, frameIndex: 0, queries: [{ source: { kind: 'text', text: `blue sofa ${typed++}` } }] }),
    runs, 1,
  )
  return [
    { name: `text encode, one new phrase (${model})`, value: median(encode), unit: 'ms' },
    { name: `heatmap after last key, real (${model}, debounce + encode + score)`, value: median(heatmap) + askTypingDebounceMs, unit: 'ms', aim: '≤ 100 ms' },
  ]
}

/** What a query costs without the index: relevancy of every pixel of every frame, per-frame max. */
function scanEveryPixel(maps: EmbeddingMap[], frameCount: number, vectors: Float32Array[]): number[] {
  const maxima: number[] = []
  for (let f = 0; f < frameCount; f++) {
    const map = maps[f % maps.length] as EmbeddingMap
    const pixels = map.width * map.height
    const scores = new Float32Array(vectors.length * pixels)
    for (let i = 0; i < pixels; i++) {
      const base = i * map.dim
      vectors.forEach((vector, k) => {
        let dot = 0
        for (let d = 0; d < map.dim; d++) dot += (map.data[base + d] as number) * (vector[d] as number)
        scores[k * pixels + i] = dot
      })
    }
    maxima.push(Math.max(...relevancyFromScores(scores, pixels, vectors.length - 1, 10)))
  }
  return maxima
}
