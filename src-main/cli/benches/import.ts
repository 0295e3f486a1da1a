/**
 * `dve bench import`: import throughput against the bare decode of the same files in the same run
 * (read + decode every colour and depth image once, same concurrency as the importer). The ratio is
 * the import's overhead: detection, metadata, copying/writing and the manifest.
 * Source: DVE_BENCH_IMPORT_SOURCE, else the shared 7-Scenes excerpt next to the repository.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ConsoleError } from '../../contract'
import { appRoot } from '../../platform/paths'
import type { JobContext } from '../../services/jobs/job-runner'
import { importSession, readImportPlan } from '../../services/recordings/import'
import { mapBounded } from '../../services/recordings/import/bounded-pool'
import { decodeDepth, decodeRgb, PgmByteOrderChoice } from '../../services/recordings/import/frame-images'
import { median } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

// From the repository root (found the same way from source and from the build), not this file's folder.
const sharedSource = resolve(appRoot(), '..', 'shared', 'data', '7scenes-tsdf-fusion')
/** The importer's own frame concurrency, so both sides get the same parallelism. */
const concurrentFrames = 4

const quietJob: JobContext = {
  signal: new AbortController().signal,
  progress: () => undefined,
  throwIfCancelled: () => undefined,
}

async function bareDecodeMs(source: string): Promise<{ ms: number; frames: number }> {
  const start = performance.now()
  const { plan } = await readImportPlan(source, {}, quietJob)
  try {
    const pgm = new PgmByteOrderChoice(null)
    await mapBounded(plan.frames, concurrentFrames, (frame) =>
      Promise.all([decodeRgb(frame.rgb), decodeDepth(frame.depth, pgm)]),
    )
    return { ms: performance.now() - start, frames: plan.frames.length }
  } finally {
    await plan.close?.()
  }
}

async function importMs(source: string, library: string): Promise<number> {
  const start = performance.now()
  const report = await importSession(source, {}, library, quietJob)
  const ms = performance.now() - start
  await rm(join(library, report.sessionId), { recursive: true, force: true })
  return ms
}

export const importBench: Bench = {
  name: 'import',
  description: 'Recording import: throughput vs bare decode of the same images',
  async run(_ctx, options) {
    const source = process.env.DVE_BENCH_IMPORT_SOURCE ?? (existsSync(sharedSource) ? sharedSource : null)
    if (!source)
      throw new ConsoleError(
        'not_found',
        `dve bench import needs a recording: set DVE_BENCH_IMPORT_SOURCE (${sharedSource} is missing).`,
      )
    const library = await mkdtemp(join(tmpdir(), 'dve-bench-import-'))
    const bare: number[] = []
    const imported: number[] = []
    let frames = 0
    try {
      // Warm the OS file cache and the decoders once, then alternate so drift hits both alike.
      frames = (await bareDecodeMs(source)).frames
      // Small sources finish in tens of ms, so they get more runs to steady the medians.
      const runs = options.quick ? 1 : frames < 20 ? 9 : 3
      for (let k = 0; k < runs; k++) {
        bare.push((await bareDecodeMs(source)).ms)
        imported.push(await importMs(source, library))
      }
    } finally {
      await rm(library, { recursive: true, force: true })
    }
    const bareMs = median(bare)
    const importedMs = median(imported)
    const rows: BenchRow[] = [
      { name: `source ${source}`, value: frames, unit: 'frames' },
      { name: 'bare: read + decode colour and depth, median', value: bareMs, unit: 'ms' },
      {
        name: 'import (detect, plan, decode, write), median',
        value: importedMs,
        unit: 'ms',
        ratio: { value: importedMs / bareMs, baseline: 'bare decode' },
        aim: '≤ 1.3',
      },
      { name: 'import throughput', value: (frames / importedMs) * 1000, unit: 'frames/s' },
    ]
    return rows
  },
}
