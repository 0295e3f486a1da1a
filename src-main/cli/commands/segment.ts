import { resolve } from 'node:path'
import type { Command } from 'commander'
import {
  ConsoleError,
  segmentationModes,
  type SegmentationModeName,
  type SessionSegmentationSummary,
} from '../../contract'
import type { CliContext } from '../cli-context'
import { parseFrames } from './infer'

interface SegmentFlags {
  mode: string
  classes: string
  frames?: string
  out: string
  model?: string
  json?: boolean
  overwrite?: boolean
}

export function registerSegmentCommand(program: Command, ctx: CliContext): void {
  program
    .command('segment')
    .description(
      'segment a recording with a class set: index masks (value = class + 1, 0 = void), colour PNGs and classes.json',
    )
    .argument('<session>', 'session id (see `dve sessions`)')
    .option('--mode <mode>', `how classes score pixels: ${segmentationModes.join(' | ')}`, 'text')
    .requiredOption('--classes <set>', 'class set id of the active model pack')
    .requiredOption('--out <dir>', 'folder for masks/, color/ and classes.json')
    .option('--overwrite', 'replace masks/, color/ and classes.json already in --out')
    .option('--frames <a:b>', 'frames a ≤ i < b (either side may be left out)')
    .option('--model <pack>', 'make this model pack active first')
    .option('--json', 'print the summary as JSON')
    .action(async (sessionId: string, flags: SegmentFlags) => {
      const services = await ctx.services()
      try {
        if (flags.model) await services.api.models.activate({ id: flags.model })
        const { jobId } = await services.api.segmentation.segmentSession({
          sessionId,
          classSetId: flags.classes,
          mode: parseMode(flags.mode),
          frames: parseFrames(flags.frames),
          outDir: resolve(flags.out),
          overwrite: Boolean(flags.overwrite),
        })
        const onSigint = () => void services.api.jobs.cancel({ id: jobId })
        process.once('SIGINT', onSigint)
        const summary = await services.api.segmentation
          .sessionResult({ jobId })
          .finally(() => process.off('SIGINT', onSigint))
        if (flags.json) ctx.json(summary)
        else printSummary(ctx, summary)
      } finally {
        await services.dispose()
      }
    })
}

function parseMode(text: string): SegmentationModeName {
  const mode = segmentationModes.find((m) => m === text)
  if (!mode) throw new ConsoleError('invalid_input', `--mode "${text}" is not one of ${segmentationModes.join(', ')}.`)
  return mode
}

function printSummary(ctx: CliContext, s: SessionSegmentationSummary): void {
  ctx.out(
    `${s.sessionId}: ${s.frames} frame${s.frames === 1 ? '' : 's'} segmented with ${s.classSetId} (${s.mode}) by ${s.modelId} in ${s.seconds.toFixed(1)} s → ${s.outDir ?? '(not written)'}`,
  )
  const seen = s.classes.filter((c) => c.share > 0).sort((a, b) => b.share - a.share)
  for (const c of seen)
    ctx.out(`  ${String(c.index + 1).padStart(3)}  ${c.name.padEnd(24)} ${(100 * c.share).toFixed(1).padStart(5)} %`)
  const unseen = s.classes.length - seen.length
  if (unseen > 0)
    ctx.out(`  (${unseen} class${unseen === 1 ? '' : 'es'} not seen; classes.json lists every mask value)`)
}
