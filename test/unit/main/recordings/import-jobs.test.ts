import { describe, expect, it } from 'vitest'
import { type ConsoleEvents, type ImportReport, type JobInfo } from '../../../../src-main/contract'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { Logger } from '../../../../src-main/services/logger'
import { consoleErrorOf } from './session-fixture'
import { ImportJobs, type Importer } from '../../../../src-main/services/recordings/import-jobs'

function report(sessionId: string): ImportReport {
  return {
    sessionId,
    name: sessionId,
    format: 'tum',
    sourcePath: '/src',
    imported: 3,
    skipped: [],
    warnings: [],
    durationSec: 0.1,
    intrinsicsAssumed: false,
    depthUnitMeters: 0.0002,
    pgmByteOrder: null,
  }
}

/** A fake reader that imports `frames` frames, one per tick, honouring cancel like the real ones must. */
function fakeImporter(
  frames: number,
  onFrame: (index: number) => void = () => undefined,
): Importer & { seen: string[] } {
  const seen: string[] = []
  return {
    seen,
    detectFormats: async () => [],
    previewImport: () => Promise.reject(new Error('not used')),
    async importSession(sourcePath, _options, libraryDir, ctx) {
      seen.push(`${sourcePath} -> ${libraryDir}`)
      for (let i = 0; i < frames; i++) {
        onFrame(i)
        ctx.throwIfCancelled()
        ctx.progress(i + 1, frames, `frame ${i}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return report('tum-abc')
    },
  }
}

function setup(importer: Importer) {
  const events = new EventBus()
  const seen: Array<{ name: string; payload: unknown }> = []
  events.subscribe((name, payload) => seen.push({ name, payload }))
  const runner = new JobRunner(events)
  return { runner, seen, imports: new ImportJobs(importer, runner, '/library', events, new Logger(events)) }
}

describe('ImportJobs', () => {
  it('runs an import as a job with progress, then reports and announces the new session', async () => {
    const importer = fakeImporter(4)
    const { imports, seen, runner } = setup(importer)
    const { jobId } = imports.start('/src/tum', {})
    const result = await imports.report(jobId)
    expect(result.sessionId).toBe('tum-abc')
    expect(importer.seen).toEqual(['/src/tum -> /library'])
    const jobs = seen.filter((e) => e.name === 'job').map((e) => e.payload as JobInfo)
    expect(jobs[0]).toMatchObject({ id: jobId, kind: 'import', title: 'Import tum', state: 'running' })
    expect(jobs.at(-1)).toMatchObject({ state: 'done', done: 4, total: 4 })
    expect(seen.filter((e) => e.name === 'changed').map((e) => e.payload)).toEqual([
      { service: 'sessions', id: 'tum-abc' } satisfies ConsoleEvents['changed'],
    ])
    expect((await runner.list())[0]?.state).toBe('done')
  })

  it('cancels: the report request fails with "cancelled" and no session is announced', async () => {
    let cancelled: Promise<{ cancelled: boolean }> | null = null
    const importer = fakeImporter(50, (index) => {
      // A person presses Cancel while frame 3 is being read.
      if (index === 3) cancelled = runner.cancel({ id: jobId })
    })
    const { imports, seen, runner } = setup(importer)
    const { jobId } = imports.start('/src/tum', {})
    const error = await consoleErrorOf(imports.report(jobId))
    expect(await cancelled).toEqual({ cancelled: true })
    expect(error.code).toBe('cancelled')
    const lastJob = seen.filter((e) => e.name === 'job').at(-1)?.payload as JobInfo
    expect(lastJob.done).toBe(3)
    expect(seen.some((e) => e.name === 'changed')).toBe(false)
    expect((await runner.list())[0]?.state).toBe('cancelled')
  })

  it('says when a job id is unknown', () => {
    const { imports } = setup(fakeImporter(1))
    expect(() => imports.report('import-nope')).toThrow('No import job "import-nope"')
  })
})
