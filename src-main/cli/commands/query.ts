import type { Command } from 'commander'
import { ConsoleError, canonicalNegatives, formatClock, type SessionSearchResult } from '../../contract'
import type { CliContext } from '../cli-context'

interface QueryOptions {
  top: string
  json?: boolean
  threshold?: string
  negatives?: string
  temperature?: string
  vocabulary: boolean
  map?: boolean
}

export function registerQueryCommand(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('ask where something is in a recording: relevancy over time, top moments and a plain answer')
    .argument('<session>', 'session id (see `dve sessions`)')
    .argument('<text>', 'what to look for, e.g. "where is the bean bag"')
    .option('--top <k>', 'number of top moments', '5')
    .option('--threshold <t>', "relevancy threshold in [0, 1] (default: the pack's calibrated one)")
    .option('--negatives <list>', `comma-separated negative phrases (default: ${canonicalNegatives.join(',')})`)
    .option('--temperature <t>', "softmax temperature of relevancy (default: the pack's, else 10)")
    .option('--no-vocabulary', "do not also compare against the model pack's class names")
    .option('--map', 'also ask the fused 3D map for a pin')
    .option('--json', 'print the full result as JSON')
    .action(async (session: string, text: string, options: QueryOptions) => {
      const services = await ctx.services()
      try {
        const result = await services.api.query.search({
          sessionId: session,
          query: {
            source: { kind: 'text', text },
            settings: {
              threshold: options.threshold === undefined ? null : number('--threshold', options.threshold),
              vocabularyNegatives: options.vocabulary,
              ...(options.negatives === undefined
                ? {}
                : {
                    negatives: options.negatives
                      .split(',')
                      .map((n) => n.trim())
                      .filter(Boolean),
                  }),
              ...(options.temperature === undefined
                ? {}
                : { temperature: number('--temperature', options.temperature) }),
            },
          },
          top: number('--top', options.top),
          withMap: Boolean(options.map),
        })
        if (options.json) ctx.json(result)
        else printResult(ctx, result)
      } finally {
        await services.dispose()
      }
    })
}

function number(flag: string, value: string): number {
  const parsed = Number(value)
  if (!Number.isFinite(parsed)) throw new ConsoleError('invalid_input', `${flag}: "${value}" is not a number.`)
  return parsed
}

function printResult(ctx: CliContext, result: SessionSearchResult): void {
  const r = result.record
  const vocabulary = r.vocabularyNegatives.length ? ` + ${r.vocabularyNegatives.length} class names` : ''
  ctx.out(
    `"${r.label}" in ${result.sessionId} — model ${r.modelId}, prompt "${r.promptTemplate ?? '{}'}", negatives ${r.negatives.join(', ') || 'none'}${vocabulary}, threshold ${r.threshold.toFixed(2)} (${r.thresholdMode})`,
  )
  ctx.out(result.answer.text)
  if (result.answer.mapPin) ctx.out(`Map pin: ${result.answer.mapPin.worldPoint.map((v) => v.toFixed(2)).join(', ')} m`)
  if (result.moments.length > 0)
    ctx.out('Moments (the best frame of each visit, then possible ones below the threshold):')
  result.moments.forEach((m, i) => {
    const mark = m.decision === 'seen' ? '' : '  (possible: below threshold)'
    ctx.out(
      `  ${String(i + 1).padStart(2)}. ${formatClock(m.timestampSec)}  frame ${String(m.frameIndex).padEnd(6)} relevancy ${m.relevancy.toFixed(3)}${mark}`,
    )
  })
  ctx.out(`(${result.frameCount} frames in ${result.elapsedMs.toFixed(0)} ms)`)
}
