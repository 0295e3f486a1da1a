import type { Command } from 'commander'
import { ConsoleError, segmentationModes, type EvaluationReport, type SegmentationModeName } from '../../contract'
import type { CliContext } from '../cli-context'
import { parseFrames } from './infer'

interface EvalFlags {
  classes: string
  mode: string
  frames?: string
  model?: string
  json?: boolean
}

export function registerEvalCommand(program: Command, ctx: CliContext): void {
  program
    .command('eval')
    .description(
      "mIoU (over the classes present in the ground truth, as the papers compute it), frequency-weighted IoU, pixel accuracy and per-class IoU against the session's ground-truth labels, per mode (label classes map to the class set by name; void ignored); --json adds per-frame scores and the confusion matrix",
    )
    .argument('<session>', 'session id with ground-truth labels (e.g. demo-apartment)')
    .requiredOption('--classes <set>', 'class set id (see `dve classes list`)')
    .option('--mode <mode>', `${segmentationModes.join(' | ')} | all`, 'all')
    .option('--frames <a:b>', 'frames a ≤ i < b (either side may be left out)')
    .option('--model <pack>', 'make this model pack active first')
    .option('--json', 'print the report as JSON')
    .action(async (sessionId: string, flags: EvalFlags) => {
      const services = await ctx.services()
      try {
        if (flags.model) await services.api.models.activate({ id: flags.model })
        const { jobId } = await services.api.classes.evaluate({
          sessionId,
          classSetId: flags.classes,
          modes: parseModes(flags.mode),
          frames: parseFrames(flags.frames),
        })
        const onSigint = () => void services.api.jobs.cancel({ id: jobId })
        process.once('SIGINT', onSigint)
        const report = await services.api.classes
          .evaluationResult({ jobId })
          .finally(() => process.off('SIGINT', onSigint))
        if (flags.json) ctx.json(report)
        else for (const line of reportTable(report)) ctx.out(line)
      } finally {
        await services.dispose()
      }
    })
}

function parseModes(text: string): SegmentationModeName[] {
  if (text === 'all') return [...segmentationModes]
  const mode = segmentationModes.find((m) => m === text)
  if (!mode)
    throw new ConsoleError('invalid_input', `--mode "${text}" is not one of ${segmentationModes.join(', ')}, all.`)
  return [mode]
}

/**
 * A table like the paper's: one row per class, one IoU column per mode; classes without ground-truth
 * pixels are marked and left out of the mean; mIoU, frequency-weighted IoU and pixel accuracy below.
 */
export function reportTable(report: EvaluationReport): string[] {
  const pct = (v: number | null) => (v === null ? '—' : (100 * v).toFixed(1)).padStart(7)
  const names = report.modes[0]?.classes ?? []
  const lines = [
    `${report.sessionId}: ${report.frames} frames, class set ${report.classSetId}${report.officialList ? ` (= ${report.officialList.name}, in its order)` : ''}, model ${report.modelId} (${report.seconds.toFixed(1)} s)`,
    `${'class'.padEnd(24)} ${'GT pixels'.padStart(9)} ${report.modes.map((m) => m.mode.padStart(7)).join(' ')}`,
  ]
  names.forEach((c, k) => {
    if (c.gtPixels === 0 && report.modes.every((m) => m.classes[k]?.iou === null)) return
    const name = c.inMean ? c.name : `(${c.name})`
    lines.push(
      `${name.padEnd(24)} ${String(c.gtPixels).padStart(9)} ${report.modes.map((m) => pct(m.classes[k]?.iou ?? null)).join(' ')}`,
    )
  })
  const row = (label: string, value: (m: EvaluationReport['modes'][number]) => number) =>
    `${label.padEnd(24)} ${''.padStart(9)} ${report.modes.map((m) => pct(value(m))).join(' ')}`
  lines.push(row(`mIoU (${report.averagedClasses.length} classes)`, (m) => m.miou))
  lines.push(row('frequency-weighted IoU', (m) => m.frequencyWeightedIou))
  lines.push(row('pixel accuracy', (m) => m.pixelAccuracy))
  lines.push(`averaged: ${report.averagedClasses.join(', ')}`)
  if (names.some((c) => !c.inMean))
    lines.push('(in brackets): no ground-truth pixel in these frames, so not in the mean')
  lines.push(`protocol: ${report.protocol}`)
  for (const s of report.skipped) lines.push(`skipped ${s.mode}: ${s.reason}`)
  if (report.unmatchedGtClasses.length)
    lines.push(`ignored ground-truth classes not in the set: ${report.unmatchedGtClasses.join(', ')}`)
  return lines
}
