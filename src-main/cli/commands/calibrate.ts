import type { Command } from 'commander'
import type { RelevancyCalibration } from '../../contract'
import type { CliContext } from '../cli-context'

export function registerCalibrateCommand(program: Command, ctx: CliContext): void {
  program
    .command('calibrate')
    .description(
      'calibrate the active pack\'s relevancy threshold (what counts as "seen" in Ask, click matches and the map) on a session with ground-truth labels',
    )
    .argument('<session>', 'session id with labels (see `dve sessions`)')
    .option('--write', "store the threshold in the pack's model.json (`relevancy`)")
    .option('--json', 'print JSON')
    .action(async (session: string, options: { write?: boolean; json?: boolean }) => {
      const services = await ctx.services()
      try {
        const result = await services.api.query.calibrate({ sessionId: session, write: Boolean(options.write) })
        if (options.json) ctx.json(result)
        else printCalibration(ctx, result)
      } finally {
        await services.dispose()
      }
    })
}

function percent(value: number | null): string {
  return value === null ? '   –' : `${(100 * value).toFixed(0).padStart(3)}%`
}

function printCalibration(ctx: CliContext, result: RelevancyCalibration): void {
  ctx.out(
    `Threshold ${result.threshold.toFixed(2)} at temperature ${result.temperature} for ${result.modelId} on ${result.sessionId}`,
  )
  ctx.out(
    `  per-frame F1 ${result.f1.toFixed(3)}, precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)} over every (class, frame) pair`,
  )
  const floor = percent(result.classRecallFloor).trim()
  ctx.out(
    result.floorMet
      ? `  every class shown passes in at least ${floor} of its frames`
      : `  no threshold lets every class shown pass in ${floor} of its frames: the best F1 of all is taken, the classes marked < are rarely found`,
  )
  ctx.out('  class              shown  precision  recall  peak where absent')
  for (const c of result.classes) {
    const under = c.recall !== null && c.recall < result.classRecallFloor ? ' <' : '  '
    ctx.out(
      `  ${c.name.padEnd(18)} ${c.present ? 'yes' : ' no'}    ${percent(c.precision)}   ${under}${percent(c.recall)}   ${c.peakWhereAbsent.toFixed(2)}`,
    )
  }
  ctx.out(
    result.written ? `Wrote the rule to ${result.written}.` : 'Not written (add --write to store it in the pack).',
  )
}
