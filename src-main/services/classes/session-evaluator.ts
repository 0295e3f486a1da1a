/**
 * Evaluation against ground truth as DVEFormer's tables compute it: for each frame with labels, each
 * mode's class map at camera resolution (logits upsampled, as the reference does) into one
 * dataset-level confusion matrix; mIoU over the classes present in the ground truth of the evaluated
 * frames, void ignored. The session's label classes map to the class set by name; unmatched names
 * are ignored like void (and reported). Per-frame scores use the same code on each frame alone.
 */
import { performance } from 'node:perf_hooks'
import {
  ConsoleError,
  type EvaluationReport,
  type FrameRange,
  type FrameScore,
  type GroundTruthComparison,
  type ModeEvaluation,
  type SegmentationModeName,
  type SessionManifest,
} from '../../contract'
import type { JobContext } from '../jobs/job-runner'
import type { ClassHead, ClassHeadProvider, FrameReader, FrameScorer } from '../ports'
import { upsampledClassMap } from '../segmentation/upsampled-class-map'
import { ConfusionMatrix, labelIdToClass, mapLabels } from './confusion-matrix'
import { matchOfficialList } from './official-class-lists'

export interface EvaluatorDeps {
  frames: FrameReader
  scorer: FrameScorer
  heads: ClassHeadProvider
  manifest: (sessionId: string) => Promise<SessionManifest>
  modelId: () => string | null
}

/** The largest class set whose confusion matrix travels in the report (256² counts). */
const maxConfusionClasses = 256

export const evaluationProtocol =
  'mIoU over the classes present in the ground truth of the evaluated frames (one confusion matrix over all frames, void and unmatched ground truth ignored); logits bilinearly upsampled to camera resolution, then arg-max.'

/** A frame's ground truth as class indices of a set (−1 = void or a name the set lacks). */
export interface GroundTruthClasses {
  width: number
  height: number
  classes: Int32Array
  unmatched: string[]
}

export async function groundTruthClasses(
  deps: Pick<EvaluatorDeps, 'frames' | 'manifest'>,
  sessionId: string,
  frameIndex: number,
  names: string[],
): Promise<GroundTruthClasses> {
  const manifest = await deps.manifest(sessionId)
  if (!manifest.labelClasses?.length)
    throw new ConsoleError(
      'invalid_input',
      `Session "${sessionId}" has no ground-truth labels (session.json has no labelClasses).`,
    )
  const { table, unmatched } = labelIdToClass(manifest.labelClasses, names)
  const gt = await deps.frames.loadLabels(sessionId, frameIndex)
  if (!gt)
    throw new ConsoleError('not_found', `Session "${sessionId}": frame ${frameIndex} has no ground-truth labels.`)
  return { width: gt.width, height: gt.height, classes: mapLabels(gt.data, table), unmatched }
}

async function predictedClassMap(
  deps: EvaluatorDeps,
  sessionId: string,
  frameIndex: number,
  head: ClassHead,
  width: number,
  height: number,
  signal?: AbortSignal,
): Promise<Uint16Array> {
  const scores = await deps.scorer.scoreFrame(sessionId, frameIndex, head.weights, head.bias, signal)
  return upsampledClassMap(scores, width, height, signal)
}

function frameScore(frameIndex: number, summary: { miou: number; pixelAccuracy: number }): FrameScore {
  return { frameIndex, miou: summary.miou, pixelAccuracy: summary.pixelAccuracy }
}

export async function evaluateSession(
  deps: EvaluatorDeps,
  request: { sessionId: string; classSetId: string; modes: SegmentationModeName[]; frames?: FrameRange },
  ctx: JobContext,
): Promise<EvaluationReport> {
  const started = performance.now()
  const { sessionId, classSetId } = request
  const manifest = await deps.manifest(sessionId)
  if (!manifest.labelClasses?.length)
    throw new ConsoleError(
      'invalid_input',
      `Session "${sessionId}" has no ground-truth labels (session.json has no labelClasses).`,
    )
  const end = Math.min(manifest.frames.length, request.frames?.end ?? manifest.frames.length)
  const frameIndices = manifest.frames
    .filter((f) => f.labels && f.index >= (request.frames?.start ?? 0) && f.index < end)
    .map((f) => f.index)
  if (frameIndices.length === 0)
    throw new ConsoleError(
      'invalid_input',
      `Session "${sessionId}": no frames with ground-truth labels in the range asked for.`,
    )

  const heads: ClassHead[] = []
  const skipped: EvaluationReport['skipped'] = []
  for (const mode of new Set(request.modes)) {
    try {
      heads.push(await deps.heads.classHead(classSetId, mode))
    } catch (error) {
      if (!(error instanceof ConsoleError) || request.modes.length === 1) throw error
      skipped.push({ mode, reason: error.message })
    }
  }
  const names = heads[0]?.names ?? []
  const { unmatched } = labelIdToClass(manifest.labelClasses, names)
  if (unmatched.length === manifest.labelClasses.filter((c) => c.id !== 0).length) {
    throw new ConsoleError(
      'invalid_input',
      `None of the ground-truth classes of "${sessionId}" (${unmatched.slice(0, 6).join(', ')}…) is in class set "${classSetId}".`,
    )
  }
  const matrices = heads.map(() => new ConfusionMatrix(names.length))
  const perFrame: FrameScore[][] = heads.map(() => [])
  for (const [done, frameIndex] of frameIndices.entries()) {
    ctx.throwIfCancelled()
    const gt = await groundTruthClasses(deps, sessionId, frameIndex, names)
    for (const [m, head] of heads.entries()) {
      const predicted = await predictedClassMap(deps, sessionId, frameIndex, head, gt.width, gt.height, ctx.signal)
      perFrame[m]?.push(frameScore(frameIndex, (matrices[m] as ConfusionMatrix).add(gt.classes, predicted, names)))
    }
    ctx.progress(done + 1, frameIndices.length, `frame ${frameIndex}`)
  }
  const official = matchOfficialList(classSetId, names)
  const order = official?.order ?? names.map((_, k) => k)
  const modes: ModeEvaluation[] = heads.map((head, m) => {
    const matrix = matrices[m] as ConfusionMatrix
    const summary = matrix.summary(names)
    return {
      mode: head.mode,
      ...summary,
      classes: order.map((k) => summary.classes[k] as ModeEvaluation['classes'][number]),
      confusion: names.length <= maxConfusionClasses ? matrix.reordered(order) : null,
      perFrame: perFrame[m] ?? [],
    }
  })
  return {
    sessionId,
    classSetId,
    modelId: deps.modelId() ?? '',
    frames: frameIndices.length,
    protocol: evaluationProtocol,
    averagedClasses: (modes[0]?.classes ?? []).filter((c) => c.inMean).map((c) => c.name),
    officialList: official ? { id: official.list.id, name: official.list.name } : null,
    unmatchedGtClasses: unmatched,
    modes,
    skipped,
    seconds: (performance.now() - started) / 1000,
  }
}

/** One frame beside its ground truth: the same per-frame score the evaluation computes. */
export async function compareFrameWithGroundTruth(
  deps: EvaluatorDeps,
  request: { sessionId: string; classSetId: string; frameIndex: number; mode: SegmentationModeName },
  groundTruthPath: string,
): Promise<GroundTruthComparison> {
  const head = await deps.heads.classHead(request.classSetId, request.mode)
  const gt = await groundTruthClasses(deps, request.sessionId, request.frameIndex, head.names)
  const predicted = await predictedClassMap(deps, request.sessionId, request.frameIndex, head, gt.width, gt.height)
  const summary = new ConfusionMatrix(head.names.length).add(gt.classes, predicted, head.names)
  return {
    ...request,
    width: gt.width,
    height: gt.height,
    groundTruthPath,
    score: frameScore(request.frameIndex, summary),
    gtPixels: summary.classes.map((c) => c.gtPixels),
    unmatchedGtClasses: gt.unmatched,
  }
}
