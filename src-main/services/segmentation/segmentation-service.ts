/**
 * Segmentation of frames with a class set in one mode: argmax over the class scores (cosine plus the
 * probe's bias) from the inference service's ORT scorer, top-2 with softmax scores at output stride,
 * and the class map at camera resolution decided on bilinearly upsampled logits. Maps travel as
 * payloads on the data plane; a whole session runs as a job and can write mask PNGs.
 */
import { isAbsolute } from 'node:path'
import {
  ConsoleError,
  resourcePaths,
  type FrameRange,
  type FrameSegmentation,
  type SegmentationClassSet,
  type SegmentationComparison,
  type SegmentationModeName,
  type SegmentedClass,
  type ServiceApi,
  type SessionSegmentationSummary,
  type segmentationSpec,
} from '../../contract'
import type { DataRouter } from '../data-router'
import type { JobContext, JobRunner } from '../jobs/job-runner'
import type { ClassHead, ClassHeadProvider, ClassSetCatalog, FrameReader, FrameScorer } from '../ports'
import { MaskFolderWriter, maskFolderEntries } from './mask-files'
import { TokenPayloadCache } from './payload-cache'
import { bytesPerIndex, encodeClassMap, encodeTop2 } from './segmentation-payloads'
import { classifyTop2, type Top2Planes } from './top2-classifier'
import { upsampledClassMap } from './upsampled-class-map'
import { commandLinePolicy, refuseReplacing, type PathPolicy } from '../security/path-policy'

export interface SegmentationDeps {
  frames: FrameReader
  scorer: FrameScorer
  heads: ClassHeadProvider
  catalog: ClassSetCatalog
  /** Identity of the active model, or null when none is loaded. */
  modelId: () => string | null
  jobs: JobRunner
  data: DataRouter
  /** False in the browser host: a web page must not choose folders to write to. */
  allowFileExport: boolean
  /** Which folders masks may be written to (Electron: dialog picks); the CLI's policy when not given. */
  policy?: PathPolicy
}

/** One frame's decision, before it is packed for the wire or written to files. */
export interface SegmentedFrame {
  head: ClassHead
  top2: Top2Planes
  /** Class index per camera pixel. */
  fullMap: Uint16Array
  cameraWidth: number
  cameraHeight: number
  /** Camera pixels per class. */
  counts: Float64Array
}

const keepRuns = 20
/** Three payloads per segmented frame: room for a compare and a few played frames. */
const payloadsKept = 96

export class SegmentationService implements ServiceApi<typeof segmentationSpec> {
  private readonly payloads: TokenPayloadCache
  private readonly runs = new Map<string, Promise<SessionSegmentationSummary>>()

  constructor(private readonly deps: SegmentationDeps) {
    this.payloads = new TokenPayloadCache(deps.data, 'segmentation/:token', payloadsKept, 'segment the frame again')
  }

  async classSets(): Promise<SegmentationClassSet[]> {
    return this.deps.catalog.classSets()
  }

  async segmentFrame(input: {
    sessionId: string
    frameIndex: number
    classSetId: string
    mode: SegmentationModeName
  }): Promise<FrameSegmentation> {
    const started = performance.now()
    const frame = await this.segment(input.sessionId, input.frameIndex, input.classSetId, input.mode)
    return this.describe(input, frame, performance.now() - started)
  }

  async compareModes(input: {
    sessionId: string
    frameIndex: number
    classSetId: string
    modes: [SegmentationModeName, SegmentationModeName]
  }): Promise<SegmentationComparison> {
    const [a, b] = input.modes
    const started = performance.now()
    const left = await this.segment(input.sessionId, input.frameIndex, input.classSetId, a)
    const leftMs = performance.now() - started
    const right = await this.segment(input.sessionId, input.frameIndex, input.classSetId, b)
    let same = 0
    for (let i = 0; i < left.fullMap.length; i++) if (left.fullMap[i] === right.fullMap[i]) same++
    return {
      left: this.describe({ ...input, mode: a }, left, leftMs),
      right: this.describe({ ...input, mode: b }, right, performance.now() - started - leftMs),
      agreement: left.fullMap.length ? same / left.fullMap.length : 0,
    }
  }

  async segmentSession(input: {
    sessionId: string
    classSetId: string
    mode: SegmentationModeName
    frames?: FrameRange
    outDir?: string
    overwrite?: boolean
  }): Promise<{ jobId: string }> {
    if (input.outDir !== undefined && !this.deps.allowFileExport) {
      throw new ConsoleError(
        'unsupported',
        'Writing masks to a folder is available in the desktop app and the CLI, not in browser mode.',
      )
    }
    if (input.outDir !== undefined && !isAbsolute(input.outDir))
      throw new ConsoleError('invalid_input', `outDir "${input.outDir}" must be an absolute path.`)
    if (input.outDir !== undefined) {
      const outDir = await (this.deps.policy ?? commandLinePolicy()).writableFolder(input.outDir)
      await refuseReplacing(outDir, (name) => maskFolderEntries.includes(name), input.overwrite)
      input = { ...input, outDir }
    }
    const count = await this.deps.frames.frameCount(input.sessionId)
    const start = input.frames?.start ?? 0
    const end = input.frames?.end ?? count
    if (start >= count || end > count) {
      throw new ConsoleError(
        'invalid_input',
        `frames ${start}:${end} is outside session "${input.sessionId}", which has ${count} frames (0:${count}).`,
      )
    }
    // Fail before the job starts when the class set or mode is wrong.
    await this.deps.heads.classHead(input.classSetId, input.mode)
    const job = this.deps.jobs.start(
      'segmentation',
      `Segment ${input.sessionId} (${input.classSetId}, ${input.mode})`,
      (ctx) => this.runSession({ ...input, start, end }, ctx),
    )
    job.result.catch(() => undefined) // failures reach whoever asks for sessionResult, and the job event
    this.runs.set(job.id, job.result)
    if (this.runs.size > keepRuns) this.runs.delete(this.runs.keys().next().value as string)
    return { jobId: job.id }
  }

  async sessionResult({ jobId }: { jobId: string }): Promise<SessionSegmentationSummary> {
    const run = this.runs.get(jobId)
    if (!run)
      throw new ConsoleError(
        'not_found',
        `No segmentation run with job id "${jobId}" (only the last ${keepRuns} are kept).`,
      )
    return run
  }

  /** Scores a frame against a class head and decides every pixel, at output stride and camera size. */
  async segment(
    sessionId: string,
    frameIndex: number,
    classSetId: string,
    mode: SegmentationModeName,
    signal?: AbortSignal,
  ): Promise<SegmentedFrame> {
    const head = await this.deps.heads.classHead(classSetId, mode)
    if (head.weights.length === 0) throw new ConsoleError('invalid_input', `Class set "${classSetId}" has no classes.`)
    const scores = await this.deps.scorer.scoreFrame(sessionId, frameIndex, head.weights, head.bias, signal)
    const top2 = classifyTop2(scores, head.bias)
    const cameraWidth = Math.round(scores.width * scores.scaleX)
    const cameraHeight = Math.round(scores.height * scores.scaleY)
    const fullMap = await upsampledClassMap(scores, cameraWidth, cameraHeight, signal)
    const counts = new Float64Array(head.names.length)
    for (const k of fullMap) counts[k] = (counts[k] as number) + 1
    return { head, top2, fullMap, cameraWidth, cameraHeight, counts }
  }

  private describe(
    input: { sessionId: string; frameIndex: number; classSetId: string; mode: SegmentationModeName },
    frame: SegmentedFrame,
    elapsedMs: number,
  ): FrameSegmentation {
    const { head, top2 } = frame
    const classCount = head.names.length
    const pixels = top2.width * top2.height
    let scoreSum = 0
    let cosineSum = 0
    for (let p = 0; p < pixels; p++) {
      scoreSum += top2.winnerScore[p] as number
      cosineSum += top2.winnerCosine[p] as number
    }
    return {
      ...input,
      modelId: this.deps.modelId() ?? 'unknown',
      classes: classShares(head, frame.counts),
      width: top2.width,
      height: top2.height,
      cameraWidth: frame.cameraWidth,
      cameraHeight: frame.cameraHeight,
      bytesPerIndex: bytesPerIndex(classCount),
      classMapPath: resourcePaths.segmentationPayload(this.payloads.put(encodeClassMap(top2.winner, classCount))),
      fullClassMapPath: resourcePaths.segmentationPayload(this.payloads.put(encodeClassMap(frame.fullMap, classCount))),
      top2Path: resourcePaths.segmentationPayload(this.payloads.put(encodeTop2(top2))),
      meanScore: scoreSum / pixels,
      meanWinnerCosine: cosineSum / pixels,
      elapsedMs,
    }
  }

  private async runSession(
    input: {
      sessionId: string
      classSetId: string
      mode: SegmentationModeName
      start: number
      end: number
      outDir?: string
    },
    ctx: JobContext,
  ): Promise<SessionSegmentationSummary> {
    const started = performance.now()
    const head = await this.deps.heads.classHead(input.classSetId, input.mode)
    const writer = input.outDir ? await MaskFolderWriter.open(input.outDir, head.colors) : null
    const totals = new Float64Array(head.names.length)
    const dominantClassByFrame: number[] = []
    const frames: number[] = []
    const total = input.end - input.start
    for (let i = input.start; i < input.end; i++) {
      ctx.throwIfCancelled()
      const frame = await this.segment(input.sessionId, i, input.classSetId, input.mode, ctx.signal)
      let dominant = 0
      frame.counts.forEach((n, k) => {
        totals[k] = (totals[k] as number) + n
        if (n > (frame.counts[dominant] as number)) dominant = k
      })
      dominantClassByFrame.push(dominant)
      frames.push(i)
      await writer?.writeFrame(i, frame.fullMap, frame.cameraWidth, frame.cameraHeight)
      ctx.progress(i - input.start + 1, total, `frame ${i}`)
    }
    const classes = classShares(head, totals)
    const info = {
      sessionId: input.sessionId,
      classSetId: input.classSetId,
      mode: input.mode,
      modelId: this.deps.modelId() ?? 'unknown',
    }
    await writer?.writeClassTable(info, classes, frames)
    return {
      ...info,
      frames: total,
      classes,
      dominantClassByFrame,
      outDir: input.outDir ?? null,
      seconds: (performance.now() - started) / 1000,
    }
  }
}

function classShares(head: ClassHead, counts: Float64Array): SegmentedClass[] {
  const total = counts.reduce((a, b) => a + b, 0)
  return head.names.map((name, index) => ({
    index,
    name,
    color: head.colors[index] ?? [0, 0, 0],
    share: total > 0 ? (counts[index] as number) / total : 0,
  }))
}
