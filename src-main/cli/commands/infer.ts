import type { Command } from 'commander'
import { ConsoleError, type BatchRunSummary } from '../../contract'
import type { CliContext } from '../cli-context'

export function registerInferCommand(program: Command, ctx: CliContext): void {
  program
    .command('infer')
    .description(
      'run the active model on a recording into the embedding cache (progress and ETA on stderr, summary on stdout)',
    )
    .argument('<session>', 'session id')
    .option('--model <pack>', 'make this model pack active first')
    .option('--frames <a:b>', 'frames a ≤ i < b (either side may be left out)')
    .option('--json', 'print the summary as JSON')
    .action(async (sessionId: string, flags: { model?: string; frames?: string; json?: boolean }) => {
      const services = await ctx.services()
      try {
        if (flags.model) await services.api.models.activate({ id: flags.model })
        const { jobId } = await services.api.inference.runOnSession({ sessionId, frames: parseFrames(flags.frames) })
        const onSigint = () => void services.api.jobs.cancel({ id: jobId })
        process.once('SIGINT', onSigint)
        const summary = await services.api.inference.runResult({ jobId }).finally(() => process.off('SIGINT', onSigint))
        if (flags.json) ctx.json(summary)
        else ctx.out(summaryLine(summary))
      } finally {
        await services.dispose()
      }
    })
}

export function parseFrames(text: string | undefined): { start: number; end: number | null } | undefined {
  if (text === undefined) return undefined
  const match = /^(\d*):(\d*)$/.exec(text.trim())
  if (!match) throw new ConsoleError('invalid_input', `--frames "${text}" is not a range like 10:50, :50 or 10:.`)
  const start = match[1] ? Number(match[1]) : 0
  const end = match[2] ? Number(match[2]) : null
  if (end !== null && end <= start)
    throw new ConsoleError('invalid_input', `--frames "${text}": the end must be greater than the start.`)
  return { start, end }
}

function summaryLine(s: BatchRunSummary): string {
  return `${s.sessionId}: ${s.frames} frames with ${s.modelId} — ${s.computed} computed, ${s.cached} from the cache — in ${s.seconds.toFixed(1)} s (${s.framesPerSecond.toFixed(2)} frames/s).`
}
