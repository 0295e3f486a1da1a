/**
 * Applies the depth-plausibility check to an import plan: decodes a few of its depth frames (first,
 * middle, last), asks `decideDepth` with the format's convention and the person's choice, and turns
 * an undecidable case into an error that lists the candidates (the CLI's refusal; the preview shows
 * the same candidates as choices).
 */
import { ConsoleError, type DepthDecision, type ImportOptions } from '../../../contract'
import { FrameProblem, type DepthImage } from './frame-images'
import type { ImportPlan, PlannedFrame } from './import-plan'
import { candidateLines, decideDepth, UndecidableDepth, type DepthConvention } from './depth-plausibility'
import { encodingName, unitName } from './depth-encodings'

/** Frames decoded for the decision. */
const sampledFrames = 3

export function planDepthConvention(plan: ImportPlan, formatLabel: string): DepthConvention {
  const given = plan.depthConvention ?? {
    source: `${formatLabel}: ${encodingName(plan.depthEncoding)} depth in ${unitName(plan.depthUnitMeters)}`,
    stated: true,
  }
  return { encoding: plan.depthEncoding, unitMeters: plan.depthUnitMeters, ...given }
}

/** Decoded depth of a planned frame (the caller caches, so no frame is decoded twice while deciding). */
export type DepthOf = (frame: PlannedFrame) => Promise<DepthImage>

/** The first, middle and last frames' depth that decode (bad ones are reported later by the writer). */
export async function sampleDepthFrames(plan: ImportPlan, depthOf: DepthOf): Promise<DepthImage[]> {
  const n = plan.frames.length
  const indices = [
    ...new Set(
      Array.from({ length: Math.min(n, sampledFrames) }, (_, i) =>
        Math.round((i * (n - 1)) / Math.max(1, sampledFrames - 1)),
      ),
    ),
  ]
  const decoded: DepthImage[] = []
  for (const index of indices) {
    try {
      decoded.push(await depthOf(plan.frames[index]!))
    } catch (error) {
      if (!(error instanceof FrameProblem)) throw error
    }
  }
  return decoded
}

export interface PlanDepthDecision {
  decision: DepthDecision
  /** Set when the data did not decide (the decision is then the best guess, for the preview only). */
  undecided: string | null
}

/** The decision, or (with `allowUndecided`) the best guess plus why it is undecided. */
export async function decidePlanDepth(
  plan: ImportPlan,
  formatLabel: string,
  options: ImportOptions,
  depthOf: DepthOf,
  sourcePath: string,
  allowUndecided = false,
): Promise<PlanDepthDecision> {
  const frames = await sampleDepthFrames(plan, depthOf)
  const convention = planDepthConvention(plan, formatLabel)
  const choice = {
    ...(options.depthEncoding ? { encoding: options.depthEncoding } : {}),
    ...(options.depthUnitMeters ? { unitMeters: options.depthUnitMeters } : {}),
  }
  const invalid = options.depthInvalidValues ?? plan.depthInvalidValues
  try {
    return { decision: decideDepth(frames, convention, invalid, choice), undecided: null }
  } catch (error) {
    if (!(error instanceof UndecidableDepth)) throw error
    const message = `${sourcePath}: cannot tell how to read the depth. ${error.message}. Choose one:\n${candidateLines(error.candidates).join('\n')}`
    if (!allowUndecided) throw new ConsoleError('invalid_input', message, { file: sourcePath, depthUndecided: true })
    // The preview still shows the best-scoring reading, marked undecided, so the person can pick.
    const guess = decideDepth(frames, convention, invalid, {
      encoding: error.candidates[0]!.encoding,
      unitMeters: error.candidates[0]!.unitMeters,
    })
    return { decision: guess, undecided: message }
  }
}

/** Warnings the report carries for a decision (the contradiction and a second plausible reading). */
export function depthDecisionWarnings(decision: DepthDecision): string[] {
  const { convention } = decision
  const chosen = decision.candidates.find(
    (c) => c.encoding === decision.encoding && c.unitMeters === decision.unitMeters,
  )
  const assumed =
    !convention.stated &&
    decision.contradiction === null &&
    decision.encoding === convention.encoding &&
    decision.unitMeters === convention.unitMeters
  const assumption = assumed
    ? `The depth unit is assumed (${convention.source})${chosen ? `; the data agrees: ${chosen.why}` : ''}. Set the depth unit in the import options if the source says otherwise.`
    : null
  return [assumption, decision.contradiction, decision.alternative].filter((w): w is string => w !== null)
}
