/**
 * The classes service: class-set CRUD, labels per session frame, the fill tool's similar region,
 * probe training and visual means (ProbeJobs), evaluation jobs, and import/export of class sets and
 * labels. Read-only sets (built-in, pack) are refused with "duplicate to edit".
 */
import { resolve } from 'node:path'
import {
  ConsoleError,
  resourcePaths,
  type ClassDef,
  type ClassDefInput,
  type ClassSetDetail,
  type EvaluationReport,
  type FitNotice,
  type FrameLabels,
  type GroundTruthComparison,
  type LabelledFrame,
  type ServiceApi,
  type SessionManifest,
  type classesSpec,
  type InputOf,
} from '../../contract'
import { classDefSchema } from '../../contract'
import type { DataRouter } from '../data-router'
import type { JobRunner } from '../jobs/job-runner'
import type { EmbeddingProvider, FrameReader, FrameScorer, ModelPackProvider } from '../ports'
import { modesOf, type ClassHeads } from './class-heads'
import { readClassMatrices, readClassSetFile, writeClassSetFile } from './class-set-file'
import type { ClassSetStore, StoredClassSet } from './class-set-store'
import { applyRuns, countPixels, type LabelMask, type LabelStore } from './label-store'
import type { ProbeJobs } from './probe-jobs'
import {
  compareFrameWithGroundTruth,
  evaluateSession,
  groundTruthClasses,
  type EvaluatorDeps,
} from './session-evaluator'
import { labelExportEntries, readLabelImport, writeLabelExport, type LabelExport } from './label-exchange'
import { fitNotices } from './pack-fit'
import { regionRuns, similarRegion } from './similar-region'
import { commandLinePolicy, refuseReplacing, type PathPolicy } from '../security/path-policy'

type Spec = typeof classesSpec

export interface ClassesServiceDeps {
  store: ClassSetStore
  labels: LabelStore
  heads: ClassHeads
  probes: ProbeJobs
  frames: FrameReader
  scorer: FrameScorer
  embeddings: EmbeddingProvider
  packs: ModelPackProvider
  manifest: (sessionId: string) => Promise<SessionManifest>
  jobs: JobRunner
  data: DataRouter
  /** The browser host may not read or write arbitrary paths. */
  allowFileAccess: boolean
  /** Which paths may be read and written (Electron: dialog picks); the CLI's policy when not given. */
  policy?: PathPolicy
}

export class ClassesService implements ServiceApi<Spec> {
  private readonly evaluations = new Map<string, Promise<EvaluationReport>>()

  constructor(private readonly deps: ClassesServiceDeps) {
    deps.data.register(
      'classes/labels/:sessionId/:classSetId/:frameIndex',
      async ({ sessionId, classSetId, frameIndex }) => {
        const mask = await deps.labels.read(sessionId as string, classSetId as string, Number(frameIndex))
        if (!mask)
          throw new ConsoleError('not_found', `No labels for frame ${frameIndex} of "${sessionId}" in "${classSetId}".`)
        return {
          body: new Uint8Array(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength),
          contentType: 'application/octet-stream',
        }
      },
    )
    deps.data.register(
      'classes/ground-truth/:sessionId/:classSetId/:frameIndex',
      async ({ sessionId, classSetId, frameIndex }) => {
        const set = await deps.store.get(classSetId as string)
        const gt = await groundTruthClasses(
          this.evaluatorDeps(),
          sessionId as string,
          Number(frameIndex),
          set.classes.map((c) => c.name),
        )
        const body = Uint16Array.from(gt.classes, (k) => (k < 0 ? 0xffff : k))
        return { body: new Uint8Array(body.buffer), contentType: 'application/octet-stream' }
      },
    )
  }

  async list(): Promise<ClassSetDetail[]> {
    return Promise.all((await this.deps.store.list()).map((s) => this.detail(s)))
  }

  async problems(): Promise<Array<{ file: string; problem: string }>> {
    return this.deps.store.problems()
  }

  async get({ id }: InputOf<Spec['get']>): Promise<ClassSetDetail> {
    return this.detail(await this.deps.store.get(id))
  }

  async create({ name, classes }: InputOf<Spec['create']>): Promise<ClassSetDetail> {
    // No placeholder class: a new set starts empty and its first class is named in the editor.
    const defs = (classes ?? []).map(parseClass)
    return this.detail(
      await this.deps.store.save(await this.deps.store.newId(name), name, defs, { means: null, probe: null }),
    )
  }

  async duplicate({ id, name }: InputOf<Spec['duplicate']>): Promise<ClassSetDetail> {
    const source = await this.deps.store.get(id)
    const matrices = await this.deps.store.matrices(source)
    return this.detail(await this.deps.store.save(await this.deps.store.newId(name), name, source.classes, matrices))
  }

  async rename({ id, name }: InputOf<Spec['rename']>): Promise<ClassSetDetail> {
    const set = await this.deps.store.getWritable(id)
    return this.detail(await this.deps.store.save(id, name, set.classes, await this.deps.store.matrices(set)))
  }

  async remove({ id }: InputOf<Spec['remove']>): Promise<{ removed: boolean }> {
    await this.deps.store.remove(id)
    await this.deps.labels.removeClassSet(id)
    return { removed: true }
  }

  async updateClasses({ id, classes }: InputOf<Spec['updateClasses']>): Promise<ClassSetDetail> {
    const set = await this.deps.store.getWritable(id)
    const defs = classes.map(parseClass)
    if (defs.length === 0)
      throw new ConsoleError('invalid_input', `Class set "${set.name}": a class set needs at least one class.`)
    let matrices = await this.deps.store.matrices(set)
    if (defs.length !== set.classes.length) {
      await this.refuseDroppingLabelled(set, defs.length)
      // Rows no longer match the classes: the probe and means must be recomputed from the labels.
      matrices = { means: null, probe: null }
    }
    return this.detail(await this.deps.store.save(id, set.name, defs, matrices))
  }

  async labelledFrames({ sessionId, classSetId }: InputOf<Spec['labelledFrames']>): Promise<LabelledFrame[]> {
    const set = await this.deps.store.get(classSetId)
    const frames = await this.deps.labels.frames(sessionId, classSetId)
    return Promise.all(
      frames.map(async (frameIndex) => {
        const mask = await this.deps.labels.read(sessionId, classSetId, frameIndex)
        return { frameIndex, pixelCounts: mask ? countPixels(mask, set.classes.length) : [] }
      }),
    )
  }

  async getLabels({ sessionId, classSetId, frameIndex }: InputOf<Spec['getLabels']>): Promise<FrameLabels> {
    const set = await this.deps.store.get(classSetId)
    const camera = await this.cameraSize(sessionId, frameIndex)
    const mask = await this.deps.labels.read(sessionId, classSetId, frameIndex)
    return this.frameLabels(sessionId, set, frameIndex, camera, mask)
  }

  async saveLabels(input: InputOf<Spec['saveLabels']>): Promise<FrameLabels> {
    const { sessionId, classSetId, frameIndex, width, height, runs } = input
    const set = await this.deps.store.getWritable(classSetId)
    const camera = await this.cameraSize(sessionId, frameIndex)
    if (width !== camera.width || height !== camera.height) {
      throw new ConsoleError(
        'invalid_input',
        `Labels of ${width}×${height} for frame ${frameIndex} of "${sessionId}", whose camera image is ${camera.width}×${camera.height}.`,
      )
    }
    const where = `labels of frame ${frameIndex} of "${sessionId}"`
    const mask = await this.deps.labels.update(sessionId, classSetId, frameIndex, set.classes, (current) => {
      const next: LabelMask =
        !input.replace && current ? current : { width, height, data: new Uint16Array(width * height) }
      if (next.width !== width || next.height !== height)
        throw new ConsoleError(
          'bad_file',
          `${where}: stored mask is ${next.width}×${next.height}, expected ${width}×${height}.`,
        )
      applyRuns(next, runs, set.classes.length, where)
      return next
    })
    return this.frameLabels(sessionId, set, frameIndex, camera, mask.data.some((v) => v !== 0) ? mask : null)
  }

  async similarRegion({
    sessionId,
    frameIndex,
    x,
    y,
    threshold,
  }: InputOf<Spec['similarRegion']>): Promise<{ width: number; height: number; runs: number[] }> {
    const camera = await this.cameraSize(sessionId, frameIndex)
    const map = await this.deps.embeddings.frameEmbeddings(sessionId, frameIndex)
    const inside = similarRegion(
      map,
      Math.floor((x * map.width) / camera.width),
      Math.floor((y * map.height) / camera.height),
      threshold,
    )
    return { ...camera, runs: regionRuns(inside, map.width, map.height, camera.width, camera.height) }
  }

  trainProbe({ classSetId, sessionIds, epochs }: InputOf<Spec['trainProbe']>): Promise<{ jobId: string }> {
    return this.deps.probes.train(classSetId, sessionIds, epochs)
  }

  probeStatus({ classSetId }: InputOf<Spec['probeStatus']>) {
    return this.deps.probes.status(classSetId)
  }

  computeMeans({ classSetId, sessionIds }: InputOf<Spec['computeMeans']>): Promise<{ jobId: string }> {
    return this.deps.probes.computeMeans(classSetId, sessionIds)
  }

  async evaluate(request: InputOf<Spec['evaluate']>): Promise<{ jobId: string }> {
    await this.deps.store.get(request.classSetId)
    const job = this.deps.jobs.start('evaluate', `Evaluate ${request.classSetId} on ${request.sessionId}`, (ctx) =>
      evaluateSession(this.evaluatorDeps(), request, ctx),
    )
    this.evaluations.set(job.id, job.result)
    return { jobId: job.id }
  }

  compareGroundTruth(request: InputOf<Spec['compareGroundTruth']>): Promise<GroundTruthComparison> {
    return compareFrameWithGroundTruth(
      this.evaluatorDeps(),
      request,
      resourcePaths.groundTruthClasses(request.sessionId, request.classSetId, request.frameIndex),
    )
  }

  async fit({ sessionId, classSetId }: InputOf<Spec['fit']>): Promise<FitNotice[]> {
    const set = classSetId ? await this.deps.store.get(classSetId) : null
    return fitNotices(this.deps.packs.activePack(), await this.deps.manifest(sessionId), set)
  }

  private evaluatorDeps(): EvaluatorDeps {
    const { deps } = this
    return {
      frames: deps.frames,
      scorer: deps.scorer,
      heads: deps.heads,
      manifest: deps.manifest,
      modelId: () => deps.embeddings.activeModelId(),
    }
  }

  async evaluationResult({ jobId }: InputOf<Spec['evaluationResult']>): Promise<EvaluationReport> {
    const result = this.evaluations.get(jobId)
    if (!result) throw new ConsoleError('not_found', `No evaluation job "${jobId}".`)
    return result
  }

  async importClassSet({ path, name }: InputOf<Spec['importClassSet']>): Promise<ClassSetDetail> {
    const loaded = await readClassSetFile(await this.policy.readable(resolve(path)))
    if (loaded.file.classes.length === 0)
      throw new ConsoleError(
        'bad_file',
        `${resolve(path)}: "classes" is empty; a class set to import needs at least one class.`,
      )
    const matrices = await readClassMatrices(loaded)
    const setName = name ?? loaded.file.name
    return this.detail(
      await this.deps.store.save(await this.deps.store.newId(setName), setName, loaded.file.classes, matrices),
    )
  }

  async exportClassSet({ id, outDir, overwrite }: InputOf<Spec['exportClassSet']>): Promise<{ files: string[] }> {
    const set = await this.deps.store.get(id)
    const target = await this.policy.writableFolder(resolve(outDir))
    await refuseReplacing(target, (name) => name.startsWith(`${id}.`), overwrite)
    return {
      files: await writeClassSetFile(target, id, set.name, set.classes, await this.deps.store.matrices(set)),
    }
  }

  async exportLabels({
    sessionId,
    classSetId,
    outDir,
    format,
    overwrite,
  }: InputOf<Spec['exportLabels']>): Promise<{ files: string[] }> {
    const target = await this.policy.writableFolder(resolve(outDir))
    const set = await this.deps.store.get(classSetId)
    const frameIndices = await this.deps.labels.frames(sessionId, classSetId)
    if (frameIndices.length === 0)
      throw new ConsoleError('not_found', `No labels for "${sessionId}" in class set "${classSetId}".`)
    const written = new Set(labelExportEntries(format ?? 'png', sessionId, classSetId, frameIndices))
    await refuseReplacing(target, (name) => written.has(name), overwrite)
    const frames: LabelExport['frames'] = []
    for (const frameIndex of frameIndices) {
      const mask = await this.deps.labels.read(sessionId, classSetId, frameIndex)
      if (mask) frames.push({ frameIndex, mask })
    }
    const manifest = await this.deps.manifest(sessionId)
    return {
      files: await writeLabelExport(target, format ?? 'png', {
        sessionId,
        classSetId,
        classes: set.classes,
        manifest,
        frames,
      }),
    }
  }

  async importLabels({ sessionId, classSetId, dir }: InputOf<Spec['importLabels']>): Promise<{ frames: number[] }> {
    const folder = await this.policy.readable(resolve(dir))
    const set = await this.deps.store.getWritable(classSetId)
    const imported = await readLabelImport(folder, set.classes, await this.deps.manifest(sessionId))
    // Everything is read and checked before the first write, so a bad file imports nothing.
    for (const { frameIndex, mask } of imported)
      await this.deps.labels.update(sessionId, classSetId, frameIndex, set.classes, () => mask)
    return { frames: imported.map((f) => f.frameIndex) }
  }

  private get policy(): PathPolicy {
    return this.deps.policy ?? commandLinePolicy()
  }

  private async refuseDroppingLabelled(set: StoredClassSet, newCount: number): Promise<void> {
    for (const sessionId of await this.deps.labels.sessions(set.id)) {
      for (const frameIndex of await this.deps.labels.frames(sessionId, set.id)) {
        const mask = await this.deps.labels.read(sessionId, set.id, frameIndex)
        const counts = mask ? countPixels(mask, set.classes.length) : []
        const dropped = counts.findIndex((n, k) => k >= newCount && n > 0)
        if (dropped >= 0) {
          throw new ConsoleError(
            'conflict',
            `Class "${set.classes[dropped]?.name}" has labels on frame ${frameIndex} of "${sessionId}"; erase them before removing the class.`,
          )
        }
      }
    }
  }

  private async cameraSize(sessionId: string, frameIndex: number): Promise<{ width: number; height: number }> {
    const manifest = await this.deps.manifest(sessionId)
    if (frameIndex >= manifest.frames.length)
      throw new ConsoleError(
        'not_found',
        `Session "${sessionId}" has ${manifest.frames.length} frames; there is no frame ${frameIndex}.`,
      )
    return { width: manifest.camera.width, height: manifest.camera.height }
  }

  private async frameLabels(
    sessionId: string,
    set: StoredClassSet,
    frameIndex: number,
    camera: { width: number; height: number },
    mask: LabelMask | null,
  ): Promise<FrameLabels> {
    const revision = await this.deps.labels.revision(sessionId, set.id, frameIndex)
    return {
      sessionId,
      classSetId: set.id,
      frameIndex,
      ...camera,
      pixelCounts: mask ? countPixels(mask, set.classes.length) : new Array<number>(set.classes.length).fill(0),
      labelMaskPath: mask ? `${resourcePaths.labelMask(sessionId, set.id, frameIndex)}?r=${revision}` : null,
      revision,
    }
  }

  private detail(set: StoredClassSet): ClassSetDetail {
    const hasText = this.deps.packs.activePack()?.manifest.text != null
    return {
      id: set.id,
      name: set.name,
      source: set.source,
      readOnly: set.source !== 'user',
      classCount: set.classes.length,
      embeddingDim: set.embeddingDim,
      hasMeans: set.hasMeans,
      hasProbe: set.hasProbe,
      modes: modesOf(set, hasText),
      classes: set.classes,
    }
  }
}

function parseClass(input: ClassDefInput): ClassDef {
  return classDefSchema.parse(input)
}
