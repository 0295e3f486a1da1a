/**
 * `dve bench cache-codes`: the accuracy cost of the compact cache tier against the fp16 maps, on the
 * active pack (the demo: a trained model) and a real session. The basis is fitted on the first 4
 * frames, as the tier does; the other frames are encoded by the model with its encoder appended and
 * decoded as a read would. Reported: per-pixel cosine to the fp16 map, the largest change of a text
 * query's score, and how often the class argmax (the pack's class names as text queries) agrees.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactTier } from '../../services/inference/compact-tier'
import { demoSessionFolder, demoSessionId } from '../../services/recordings/create-recordings'
import { SessionFrameReader } from '../../services/recordings/session-frame-reader'
import { SessionStore } from '../../services/recordings/session-store'
import { percentile } from './bench-stats'
import { benchInference } from './bench-inference'
import type { Bench, BenchRow } from './bench-types'

const fitFrames = 4

export const cacheCodesBench: Bench = {
  name: 'cache-codes',
  description: 'Accuracy of the compact (int8 codes) cache tier against fp16 maps: cosines, query scores, class argmax',
  async run(ctx, options) {
    const services = await ctx.services()
    const store = new SessionStore(services.paths.sessions, [join(services.paths.resources, demoSessionFolder)])
    const frames = new SessionFrameReader(store, { cacheBytes: 32 * 2 ** 20 })
    const sessionId = process.env.DVE_BENCH_SESSION ?? demoSessionId
    const cacheDir = mkdtempSync(join(tmpdir(), 'dve-bench-codes-'))
    const { built, jobs } = benchInference({ ...services.paths, cache: cacheDir }, frames, 'fp16')
    try {
      const pack = await built.models.ensureLoaded()
      const count = Math.min(await frames.frameCount(sessionId), options.quick ? 10 : 40)
      const names =
        pack.manifest.classSets.length && pack.text
          ? await classNames(join(pack.entry.dir, pack.manifest.classSets[0] as string))
          : []
      const queries = pack.text
        ? await built.inference.textEmbeddings(names.length ? names : ['chair', 'table', 'floor'])
        : []
      const tier = new CompactTier({
        cacheDir,
        client: built.client,
        loadOnProviders: (key, path) => built.models.loadDerived(key, path),
      })

      const cosines: number[] = []
      let worstScoreChange = 0
      let agreeing = 0
      let pixels = 0
      let components = 0
      for (let i = 0; i < count; i++) {
        const exact = await built.inference.frameEmbeddings(sessionId, i)
        if (i < fitFrames) {
          await tier.observe(pack, exact.data)
          continue
        }
        const basis = await tier.basis(pack.modelId)
        if (!basis) throw new Error('the frame basis was not fitted')
        components = basis.components
        const { map } = await tier.encode(pack, await frames.loadFrame(sessionId, i), basis, 'interactive')
        if (!('codes' in map)) throw new Error('the compact tier returned no codes')
        const decoded = await tier.decode(pack.modelId, map)
        const dim = exact.dim
        for (let p = 0; p < exact.width * exact.height; p++) {
          const o = p * dim
          let dot = 0
          for (let d = 0; d < dim; d++) dot += exact.data[o + d]! * decoded[o + d]!
          cosines.push(dot)
          if (!queries.length) continue
          let bestExact = -Infinity
          let bestDecoded = -Infinity
          let argExact = -1
          let argDecoded = -1
          queries.forEach((q, k) => {
            let a = 0
            let b = 0
            for (let d = 0; d < dim; d++) {
              a += q[d]! * exact.data[o + d]!
              b += q[d]! * decoded[o + d]!
            }
            worstScoreChange = Math.max(worstScoreChange, Math.abs(a - b))
            if (a > bestExact) [bestExact, argExact] = [a, k]
            if (b > bestDecoded) [bestDecoded, argDecoded] = [b, k]
          })
          if (argExact === argDecoded) agreeing++
          pixels++
        }
      }
      cosines.sort((a, b) => a - b)
      const rows: BenchRow[] = [
        {
          name: `codes (k = ${components}) vs fp16, ${pack.entry.id}, ${count - fitFrames} frames: mean cosine`,
          value: cosines.reduce((a, b) => a + b, 0) / cosines.length,
          unit: '',
        },
        { name: '  1st-percentile cosine', value: percentile(cosines, 1), unit: '' },
      ]
      if (pixels) {
        rows.push({
          name: `  largest text-query score change (${queries.length} queries)`,
          value: worstScoreChange,
          unit: 'cosine',
        })
        rows.push({
          name: `  class argmax agreement (${queries.length} class names)`,
          value: (100 * agreeing) / pixels,
          unit: '%',
        })
      }
      return rows
    } finally {
      jobs.cancelAll()
      await built.dispose()
      rmSync(cacheDir, { recursive: true, force: true })
    }
  },
}

async function classNames(file: string): Promise<string[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { classes?: Array<{ name?: unknown }> }
  return (parsed.classes ?? []).map((c) => c.name).filter((n): n is string => typeof n === 'string')
}
