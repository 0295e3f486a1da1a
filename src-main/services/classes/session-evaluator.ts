/**
 * Evaluation against ground truth: for each frame with labels, each mode's class map at camera
 * resolution (logits upsampled, as the reference does) into a confusion matrix; the session's label
 * classes map to the class set by name, void and unmatched names are ignored (and reported).
 */
import { performance } from 'node:perf_hooks'
import { ConsoleError, type EvaluationReport, type FrameRange, type ModeEvaluation, type SegmentationModeName, type SessionManifest } from '../../contract'
import type { JobContext } from '../jobs/job-runner'
import type { ClassHead, ClassHeadProvider, FrameReader, FrameScorer } from '../ports'
import { upsampledClassMap } from '../segmentation/upsampled-class-map'
import { ConfusionMatrix, labelIdToClass, mapLabels } from './confusion-matrix'

export interface EvaluatorDeps {
  frames: FrameReader
  scorer: FrameScorer
  heads: ClassHeadProvider
  manifest: (sessionId: string) => Promise<SessionManifest>
  modelId: () => string | null
}

export async function evaluateSession(
  deps: EvaluatorDeps, request: { sessionId: string; classSetId: string; modes: SegmentationModeName[]; frames?: FrameRange }, ctx: JobContext,
): Promise<EvaluationReport> {
  const started = performance.now()
  const { sessionId, classSetId } = request
  const manifest = await deps.manifest(sessionId)
  if (!manifest.labelClasses?.length) throw new ConsoleError('invalid_input', `Session "${sessionId}" has no ground-truth labels (session.json has no labelClasses).`)
  const end = Math.min(manifest.frames.length, request.frames?.end ?? manifest.frames.length)
  const frameIndices = manifest.frames.filter((f) => f.labels && f.index >= (request.frames?.start ?? 0) && f.index < end).map((f) => f.index)
  if (frameIndices.length === 0) throw new ConsoleError('invalid_input', `Session "${sessionId}": no frames with ground-truth labels in the range asked for.`)

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
  const { table, unmatched } = labelIdToClass(manifest.labelClasses, names)
  if (unmatched.length === manifest.labelClasses.filter((c) => c.id !== 0).length) {
    throw new ConsoleError('invalid_input', `None of the ground-truth classes of "${sessionId}" (${unmatched.slice(0, 6).join(', ')}…) is in class set "${classSetId}".`)
  }
  const matrices = heads.map(() => new ConfusionMatrix(names.length))
  for (const [done, frameIndex] of frameIndices.entries()) {
    ctx.throwIfCancelled()
    const gt = await deps.frames.loadLabels(sessionId, frameIndex)
    if (!gt) throw new ConsoleError('not_found', `Session "${sessionId}": frame ${frameIndex} lists labels, but they cannot be read.`)
    const gtClass = mapLabels(gt.data, table)
    for (const [m, head] of heads.entries()) {
      const scores = await deps.scorer.scoreFrame(sessionId, frameIndex, head.weights, head.bias, ctx.signal)
      matrices[m]?.add(gtClass, await upsampledClassMap(scores, gt.width, gt.height, ctx.signal))
    }
    ctx.progress(done + 1, frameIndices.length, `frame ${frameIndex}`)
  }
  const modes: ModeEvaluation[] = heads.map((head, m) => ({ mode: head.mode, ...(matrices[m] as ConfusionMatrix).summary(names) }))
  return {
    sessionId, classSetId, modelId: deps.modelId() ?? '', frames: frameIndices.length, unmatchedGtClasses: unmatched, modes, skipped,
    seconds: (performance.now() - started) / 1000,
  }
}
