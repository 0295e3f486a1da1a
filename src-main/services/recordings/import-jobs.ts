/**
 * Imports run as jobs (progress, ETA, cancel through the JobRunner); the report of each job is kept
 * so the UI can ask for it after the `job` event says it ended.
 */
import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import {
  ConsoleError,
  type DetectedFormat,
  type ImportOptions,
  type ImportPreview,
  type ImportReport,
} from '../../contract'
import type { EventBus } from '../event-bus'
import type { JobContext, JobRunner } from '../jobs/job-runner'
import type { Logger } from '../logger'
import { confineReadsTo } from '../security/source-confinement'

/** The format readers' entry points (services/recordings/import/index.ts); tests pass fakes. */
export interface Importer {
  detectFormats(sourcePath: string): Promise<DetectedFormat[]>
  importSession(sourcePath: string, options: ImportOptions, libraryDir: string, ctx: JobContext): Promise<ImportReport>
  previewImport(sourcePath: string, options: ImportOptions, ctx: JobContext): Promise<ImportPreview>
}

/** A preview reads a handful of frames: no progress to show, nothing to cancel. */
const previewContext: JobContext = {
  signal: new AbortController().signal,
  progress: () => undefined,
  throwIfCancelled: () => undefined,
}

const keepReports = 50

export class ImportJobs {
  private readonly results = new Map<string, Promise<ImportReport>>()

  constructor(
    private readonly importer: Importer,
    private readonly jobs: JobRunner,
    private readonly libraryDir: string,
    private readonly events: EventBus,
    private readonly logger: Logger,
    /** Browser mode: hidden files inside a source are refused too (a source may be a whole home folder). */
    private readonly refuseHidden = false,
  ) {}

  start(sourcePath: string, options: ImportOptions): { jobId: string } {
    const { id, result } = this.jobs.start('import', `Import ${basename(sourcePath)}`, (ctx) =>
      this.confined(sourcePath, () => this.importer.importSession(sourcePath, options, this.libraryDir, ctx)),
    )
    const reported = result.then((report) => {
      this.logger.info(
        'sessions',
        `Imported ${report.imported} frames from ${sourcePath} as "${report.sessionId}" (${report.skipped.length} skipped).`,
      )
      this.events.emit('changed', { service: 'sessions', id: report.sessionId })
      return report
    })
    reported.catch(() => undefined)
    this.results.set(id, reported)
    for (const old of [...this.results.keys()].slice(0, Math.max(0, this.results.size - keepReports)))
      this.results.delete(old)
    return { jobId: id }
  }

  detect(sourcePath: string): Promise<DetectedFormat[]> {
    return this.confined(sourcePath, () => this.importer.detectFormats(sourcePath))
  }

  /** Every file the readers open (lists, index entries, the pose-file option, sidecars) stays inside the source. */
  private async confined<T>(sourcePath: string, work: () => Promise<T>): Promise<T> {
    const isFolder = (await stat(sourcePath).catch(() => null))?.isDirectory() ?? true
    return confineReadsTo(isFolder ? sourcePath : dirname(sourcePath), work, { refuseHidden: this.refuseHidden })
  }

  preview(sourcePath: string, options: ImportOptions): Promise<ImportPreview> {
    return this.confined(sourcePath, () => this.importer.previewImport(sourcePath, options, previewContext))
  }

  report(jobId: string): Promise<ImportReport> {
    const result = this.results.get(jobId)
    if (!result) throw new ConsoleError('not_found', `No import job "${jobId}".`)
    return result
  }
}
