/** The `sessions` service: the recording library, its imports and the allowed-folder browser. */
import {
  type BrowseListing,
  type DetectedFormat,
  type ImportPreview,
  type FrameMeta,
  type ImportReport,
  type ImportStarted,
  type InputOf,
  type ServiceApi,
  type SessionDataPart,
  type SessionDeletePreview,
  type SessionDetail,
  type SessionStats,
  type SessionSummary,
  type sessionsSpec,
} from '../../contract'
import type { EventBus } from '../event-bus'
import type { Logger } from '../logger'
import type { FileBrowser } from './file-browser'
import type { ImportJobs } from './import-jobs'
import { readImportReport, intrinsicsWereAssumed } from './import-report-file'
import type { SessionData } from './session-data'
import type { SessionFrameReader } from './session-frame-reader'
import { sessionStats } from './session-stats'
import type { SessionStore, StoredSession } from './session-store'
import { folderSize, summarizeSession } from './session-summary'

type Spec = typeof sessionsSpec

export interface SessionsServiceDeps {
  store: SessionStore
  reader: SessionFrameReader
  browser: FileBrowser
  imports: ImportJobs
  events: EventBus
  logger: Logger
  /** The session's data outside its folder (caches, maps, labels). */
  data: SessionData
}

const defaultStatsSamples = 12

export class SessionsService implements ServiceApi<Spec> {
  /** Per session version: the summary (folder size is a walk) and the import report (a file read). */
  private readonly described = new Map<string, Promise<{ summary: SessionSummary; report: ImportReport | null }>>()

  constructor(private readonly deps: SessionsServiceDeps) {}

  async list(): Promise<SessionSummary[]> {
    const { sessions, problems } = await this.deps.store.list()
    for (const problem of problems) this.deps.logger.warn('sessions', problem)
    const summaries = await Promise.all(sessions.map((session) => this.summary(session)))
    return summaries.sort((a, b) => Number(b.readOnly) - Number(a.readOnly) || b.createdAt.localeCompare(a.createdAt))
  }

  async get({ id }: InputOf<Spec['get']>): Promise<SessionDetail> {
    const session = await this.deps.store.get(id)
    const { summary, report } = await this.describe(session)
    return { summary, manifest: session.manifest, report }
  }

  async stats({ id, sampleFrames }: InputOf<Spec['stats']>): Promise<SessionStats> {
    return sessionStats(this.deps.reader, await this.deps.store.get(id), sampleFrames ?? defaultStatsSamples)
  }

  async rename({ id, name }: InputOf<Spec['rename']>): Promise<SessionSummary> {
    const session = await this.deps.store.rename(id, name.trim())
    this.deps.events.emit('changed', { service: 'sessions', id })
    return this.summary(session)
  }

  async deletePreview({ id }: InputOf<Spec['deletePreview']>): Promise<SessionDeletePreview> {
    const session = await this.deps.store.get(id)
    const recording: SessionDataPart = { what: 'recording', path: session.dir, bytes: await folderSize(session.dir) }
    const parts = [recording, ...(await this.deps.data.derivedParts(id))]
    return { id, name: session.manifest.name, parts, totalBytes: parts.reduce((sum, p) => sum + p.bytes, 0) }
  }

  async delete({ id }: InputOf<Spec['delete']>): Promise<{ deleted: boolean }> {
    await this.deps.store.writable(id, 'deleted')
    // Caches, query indexes, maps and labels of a deleted session are of no use to anyone; they go
    // first, so a refusal there (a map being built) leaves the session whole.
    await this.deps.data.removeDerived(id)
    await this.deps.store.remove(id)
    this.deps.reader.forget(id)
    this.deps.logger.info('sessions', `Deleted session "${id}".`)
    this.deps.events.emit('changed', { service: 'sessions', id })
    return { deleted: true }
  }

  async frame({ id, index }: InputOf<Spec['frame']>): Promise<FrameMeta> {
    const { frame } = await this.deps.reader.frame(id, index)
    return {
      index: frame.index,
      timestampSec: frame.timestampSec,
      sourceName: frame.sourceName,
      rgbFile: frame.rgb,
      depthFile: frame.depth,
      labelsFile: frame.labels ?? null,
      worldFromCamera: frame.worldFromCamera,
    }
  }

  async browse({ path, showHidden }: InputOf<Spec['browse']>): Promise<BrowseListing> {
    return this.deps.browser.list(path, showHidden)
  }

  async detect({ path }: InputOf<Spec['detect']>): Promise<DetectedFormat[]> {
    return this.deps.imports.detect(await this.checkSource(path))
  }

  async preview({ path, options }: InputOf<Spec['preview']>): Promise<ImportPreview> {
    return this.deps.imports.preview(await this.checkSource(path), options ?? {})
  }

  async import({ path, options }: InputOf<Spec['import']>): Promise<ImportStarted> {
    return this.deps.imports.start(await this.checkSource(path), options ?? {})
  }

  async importReport({ jobId }: InputOf<Spec['importReport']>): Promise<ImportReport> {
    return this.deps.imports.report(jobId)
  }

  /** Sources go through the path policy (browser roots, Electron dialog picks), resolved through symlinks. */
  private checkSource(path: string): Promise<string> {
    return this.deps.browser.checkAllowed(path)
  }

  private async summary(session: StoredSession): Promise<SessionSummary> {
    return (await this.describe(session)).summary
  }

  private describe(session: StoredSession): Promise<{ summary: SessionSummary; report: ImportReport | null }> {
    // A live recording grows under one version: its frame count is part of the key.
    const key = `${session.id}@${session.version}/${session.manifest.frames.length}`
    let pending = this.described.get(key)
    if (!pending) {
      for (const old of this.described.keys()) if (old.startsWith(`${session.id}@`)) this.described.delete(old)
      pending = Promise.all([folderSize(session.dir), readImportReport(session)]).then(([size, report]) => ({
        summary: summarizeSession(session, size, !intrinsicsWereAssumed(report)),
        report,
      }))
      pending.catch(() => this.described.delete(key))
      this.described.set(key, pending)
    }
    return pending
  }
}
