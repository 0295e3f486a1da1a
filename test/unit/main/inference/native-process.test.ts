/**
 * The native-work process as the console uses it: it alone loads onnxruntime-node; a probe training
 * runs in it and stops between batches when cancelled (the process lives on); killing it during a
 * batch fails that job with a clear message, restarts it, shows the crash in app.info, and leaves the
 * library and the cache intact.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { AppInfo, JobInfo } from '../../../../src-main/contract'
import { forkNativeProcess, type NativeProcess } from '../../../../src-main/platform/native-process'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { demoAssetsMissing } from '../../../e2e/harness'

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..')
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|mjs)$/.test(name) ? [path] : []
  })
}

describe('native-work process', () => {
  it('is the only place that loads onnxruntime-node (the benchmark of the bare probe math aside)', () => {
    const importers = sourceFiles(join(repoRoot, 'src-main'))
      .filter((file) =>
        /from '([^']*\/)?(onnxruntime-node|ort-probe-math|ort-sessions|execution-providers)'/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(join(repoRoot, 'src-main'), file))
      .sort()
    expect(importers).toEqual([
      'cli/benches/probe.ts', // times OrtProbeMath against JS loops; not part of the console
      'services/classes/ort-probe-math.ts',
      'services/inference/execution-providers.ts',
      'services/inference/inference-worker.ts', // the native-work process entry
      'services/inference/ort-sessions.ts',
    ])
  })

  it('trains a probe in the process and cancels it between batches, leaving the process running', async () => {
    const started: NativeProcess[] = []
    const client = new InferenceWorkerClient({
      log: { info: () => undefined, warn: () => undefined },
      launch: (entry) => (started.push(forkNativeProcess(entry)), started.at(-1) as NativeProcess),
    })
    cleanups.push(() => client.dispose())
    const random = seededRandom(3)
    const dim = 64
    const rows = 40_000
    const data = {
      dim,
      classCount: 3,
      embeddings: Float32Array.from({ length: rows * dim }, () => random() - 0.5),
      labels: Uint16Array.from({ length: rows }, (_, i) => i % 3),
    }
    const options = {
      epochs: 200,
      learningRate: 0.05,
      weightDecay: 1e-4,
      batchSize: 256,
      heldOutFraction: 0.2,
      seed: 1,
    }

    const controller = new AbortController()
    const epochs: number[] = []
    const training = client.trainProbe(
      data,
      options,
      (epoch) => {
        epochs.push(epoch)
        if (epoch === 1) controller.abort()
      },
      controller.signal,
    )
    await expect(training).rejects.toThrow(/^Probe training cancelled after 2 epochs\.$/)
    expect(epochs).toEqual([0, 1])

    const done = await client.trainProbe(data, { ...options, epochs: 2 }, () => undefined, new AbortController().signal)
    expect(done.lossCurve).toHaveLength(2)
    expect(started).toHaveLength(1) // cancelling never killed it
    expect(client.status()).toEqual({ running: true, restarts: 0, lastCrash: null })
  })

  it('fails a probe training clearly when the process is killed under it, then trains on a new one', async () => {
    const started: NativeProcess[] = []
    const client = new InferenceWorkerClient({
      log: { info: () => undefined, warn: () => undefined },
      launch: (entry) => (started.push(forkNativeProcess(entry)), started.at(-1) as NativeProcess),
    })
    cleanups.push(() => client.dispose())
    const data = {
      dim: 16,
      classCount: 2,
      embeddings: new Float32Array(20_000 * 16).fill(0.25),
      labels: Uint16Array.from({ length: 20_000 }, (_, i) => i % 2),
    }
    const options = { epochs: 500, learningRate: 0.05, weightDecay: 1e-4, batchSize: 64, heldOutFraction: 0.2, seed: 1 }
    const training = client.trainProbe(
      data,
      options,
      (epoch) => {
        if (epoch === 0) started[0]?.kill()
      },
      new AbortController().signal,
    )
    await expect(training).rejects.toThrow(
      /^The native-work process crashed \(killed by SIGTERM\) during probe training; it was restarted\. Train again\.$/,
    )
    const after = await client.trainProbe(
      data,
      { ...options, epochs: 1 },
      () => undefined,
      new AbortController().signal,
    )
    expect(after.lossCurve).toHaveLength(1)
    expect(started).toHaveLength(2)
  })
})

const demoReason = demoAssetsMissing()
describe.skipIf(demoReason !== '')(
  demoReason ? `native-work process on the demo — skipped: ${demoReason}` : 'native-work process on the demo',
  () => {
    it('a kill during a batch fails that job clearly, restarts the process, and keeps the library and the cache', async () => {
      const home = mkdtempSync(join(tmpdir(), 'dve-native-crash-'))
      const started: NativeProcess[] = []
      const services: Services = await createServices({
        host: 'test',
        version: 'test',
        paths: consolePaths(home, repoRoot),
        launchNative: (entry) => (started.push(forkNativeProcess(entry)), started.at(-1) as NativeProcess),
      })
      cleanups.push(async () => {
        await services.dispose()
        rmSync(home, { recursive: true, force: true })
      })
      const { inference, sessions, app, jobs } = services.api
      const appInfos: AppInfo[] = []
      services.events.subscribe((name, payload) => {
        if (name === 'appInfo') appInfos.push(payload as AppInfo)
      })
      const libraryBefore = (await sessions.list()).map((s) => s.id)
      expect(libraryBefore).toContain('demo-apartment')

      let killed = false
      services.events.subscribe((name, payload) => {
        const job = payload as JobInfo
        if (name === 'job' && job.kind === 'inference' && job.done >= 3 && !killed) {
          killed = true
          started[0]?.kill()
        }
      })
      const { jobId } = await inference.runOnSession({ sessionId: 'demo-apartment', frames: { start: 0, end: 40 } })
      await expect(inference.runResult({ jobId })).rejects.toThrow(
        /^Frame \d+ of session "demo-apartment": The native-work process crashed \(killed by SIGTERM\) while (embedding a frame|loading a model); it was restarted\. \(frames before it are cached; run again to resume\)\.$/,
      )
      const job = (await jobs.list()).find((j) => j.id === jobId)
      expect(job?.state).toBe('failed')

      const info = await app.info()
      expect(info.nativeWork).toMatchObject({ restarts: 1, lastCrash: { reason: 'killed by SIGTERM' } })
      expect(appInfos.at(-1)?.nativeWork.restarts).toBe(1)
      expect((await sessions.list()).map((s) => s.id)).toEqual(libraryBefore)
      const cached = (await inference.cacheStatus({ sessionId: 'demo-apartment' })).sessionFramesCached
      expect(cached).toBeGreaterThanOrEqual(3)

      // The restarted process reloads the model; running again reuses every cached frame.
      const rerun = await inference.runOnSession({ sessionId: 'demo-apartment', frames: { start: 0, end: cached + 1 } })
      const summary = await inference.runResult({ jobId: rerun.jobId })
      expect(summary).toMatchObject({ cached, computed: 1 })
      expect(started).toHaveLength(2)
    })
  },
)
