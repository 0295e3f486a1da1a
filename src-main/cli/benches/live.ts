/**
 * `dve bench live`: the simulator streams the demo recording (looped, 30 fps) to the live link for
 * 5 minutes (--quick: 30 s) in this process, as a robot would; the link records, the model embeds the
 * newest frame whenever free and the Ask heatmap of a query is computed on it; the live map grows.
 * Figures: frame arrival → heatmap ready latency p50/p95 against one model period + 50 ms, the model
 * rate and skip rate against the bare model rate (the same frames embedded back to back, measured in
 * the same run first), RSS after the first minute against the first minute, and complete frames lost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices } from '../../services/create-services'
import { consolePaths, appRoot } from '../../platform/paths'
import { LiveService } from '../../services/live/live-service'
import { RobotSimulator } from '../../services/live/robot-simulator'
import { demoSessionId } from '../../services/recordings/create-recordings'
import type { CliContext } from '../cli-context'
import { percentile } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

const streamFps = 30
const question = 'plant'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export const liveBench: Bench = {
  name: 'live',
  description:
    'live link: arrival → heatmap latency, model and skip rate, RSS, frames lost over a simulated 30 fps stream',
  async run(_ctx: CliContext, options): Promise<BenchRow[]> {
    const durationSec = options.quick ? 30 : 300
    const home = mkdtempSync(join(tmpdir(), 'dve-bench-live-'))
    const services = await createServices({ host: 'cli', version: 'bench', paths: consolePaths(home, appRoot()) })
    try {
      const demo = await services.recordings.store.get(process.env.DVE_BENCH_SESSION ?? demoSessionId)
      const api = services.api
      const query = { source: { kind: 'text' as const, text: question } }

      // Baseline: the model alone on the same frames, back to back (fresh frames, nothing cached).
      await api.query.frame({ sessionId: demo.id, frameIndex: 0, queries: [query] })
      const bareFrames = options.quick ? 10 : 30
      const bareStart = performance.now()
      for (let i = 1; i <= bareFrames; i++)
        await services.api.inference
          .runOnSession({ sessionId: demo.id, frames: { start: i, end: i + 1 } })
          .then((r) => services.api.inference.runResult({ jobId: r.jobId }))
      const bareFps = bareFrames / ((performance.now() - bareStart) / 1000)

      const latencies: number[] = []
      const rss: Array<{ atSec: number; bytes: number }> = []
      const live = new LiveService({
        libraryDir: services.paths.sessions,
        store: services.recordings.store,
        events: services.events,
        logger: services.logger,
        // The user's path: embed the newest frame, then the Ask heatmap of the question on it.
        embedder: () => async (sessionId, frameIndex) => {
          await api.query.frame({ sessionId, frameIndex, queries: [query] })
        },
        buildMap: (o) => api.map.build(o),
        hooks: { onEmbedded: (_index, _session, arrivalMs) => latencies.push(performance.now() - arrivalMs) },
      })
      const recordedRate =
        demo.manifest.frames.length /
        Math.max(1e-3, demo.manifest.frames.at(-1)!.timestampSec - demo.manifest.frames[0]!.timestampSec)
      const simulator = await RobotSimulator.start({
        session: demo,
        frames: services.recordings.frameReader,
        port: 0,
        rate: streamFps / recordedRate,
        loop: true,
      })
      const started = performance.now()
      await live.connect({ url: simulator.url, name: 'bench live' })
      const sampler = setInterval(
        () => rss.push({ atSec: (performance.now() - started) / 1000, bytes: process.memoryUsage.rss() }),
        1000,
      )
      while (performance.now() - started < durationSec * 1000) {
        await sleep(1000)
        if (!options.json)
          process.stderr.write(
            `\rlive bench: ${Math.round((performance.now() - started) / 1000)} / ${durationSec} s, ${live.current()?.status().framesRecorded ?? 0} frames`,
          )
      }
      clearInterval(sampler)
      const beforeStop = live.current()!.status()
      await simulator.close()
      await sleep(1500)
      const final = (await live.stop())!
      if (!options.json) process.stderr.write('\n')
      const published = simulator.published
      const seconds = (performance.now() - started) / 1000
      const modelFps = final.model.embedded / seconds
      const periodMs = 1000 / Math.max(modelFps, 1e-6)
      const sorted = [...latencies].sort((a, b) => a - b)
      const firstMinute = rss.filter((s) => s.atSec <= Math.min(60, durationSec / 5))
      const later = rss.filter((s) => s.atSec > Math.min(60, durationSec / 5))
      const maxOf = (xs: typeof rss): number => Math.max(...xs.map((s) => s.bytes))
      const unpaired = final.pairing.unpairedColour + final.pairing.unpairedDepth
      return [
        { name: 'arrival → heatmap latency p50', value: percentile(sorted, 50), unit: 'ms' },
        {
          name: 'arrival → heatmap latency p95',
          value: percentile(sorted, 95),
          unit: 'ms',
          ratio: { value: percentile(sorted, 95) / (periodMs + 50), baseline: 'one model period + 50 ms' },
          aim: '≤ 1',
        },
        {
          name: 'model rate while live (embed + heatmap)',
          value: modelFps,
          unit: 'fps',
          ratio: { value: modelFps / bareFps, baseline: `bare model ${bareFps.toFixed(1)} fps` },
        },
        { name: 'frames arriving', value: final.framesRecorded / seconds, unit: 'fps' },
        { name: 'skipped by the model (still recorded)', value: beforeStop.model.skippedPercent, unit: '%' },
        {
          name: 'RSS after the first minute (max)',
          value: later.length ? maxOf(later) / 2 ** 20 : Number.NaN,
          unit: 'MiB',
          ratio: { value: later.length ? maxOf(later) / maxOf(firstMinute) : Number.NaN, baseline: 'first minute max' },
          aim: '≤ 1.1',
        },
        // The course of memory, not only its peak: caches filling to their budgets level off, a leak does not.
        ...[1, 2, 3, 4, 5]
          .map((fifth) => rss.filter((r) => r.atSec <= (durationSec * fifth) / 5))
          .map((upTo, k) => ({
            name: `  RSS max up to ${Math.round((durationSec * (k + 1)) / 5)} s`,
            value: upTo.length ? maxOf(upTo) / 2 ** 20 : Number.NaN,
            unit: 'MiB',
          })),
        {
          name: 'complete frames lost',
          value: published - final.framesRecorded - unpaired,
          unit: `of ${published} published (${unpaired} unpaired)`,
          aim: '0',
        },
      ]
    } finally {
      await services.dispose()
      rmSync(home, { recursive: true, force: true })
    }
  },
}
