import type { Command } from 'commander'
import { ConsoleError } from '../../contract'
import type { Services } from '../../services/create-services'
import type { CliContext } from '../cli-context'
import { formatMegabytes, formatSeconds } from '../cli-format'
import { decisionLines } from '../import-decision-lines'
import { packLines, providerLines } from './models'

export function registerInfoCommand(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description(
      'show a session: frames, resolution, depth range, pose coverage, intrinsics; --model: the active model pack and execution provider',
    )
    .argument('[session]', 'session id (see `dve sessions`)')
    .option('--model', 'show the active model pack (checked against its graphs) and the execution providers')
    .option('--samples <n>', 'frames sampled for the depth range', '12')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, options: { samples: string; model?: boolean; json?: boolean }) => {
      if (!id && !options.model)
        throw new ConsoleError('invalid_input', 'dve info: give a session id (see `dve sessions`) or --model.')
      const services = await ctx.services()
      try {
        if (options.model) await printActiveModel(services, ctx, options.json === true)
        if (id) await printSession(services, ctx, id, options)
      } finally {
        await services.dispose()
      }
    })
}

async function printActiveModel(services: Services, ctx: CliContext, json: boolean): Promise<void> {
  const active = (await services.api.models.list()).find((p) => p.active)
  const pack = active ? await services.api.models.get({ id: active.id }) : null
  const providers = await services.api.models.providers()
  if (json) return ctx.json({ model: pack, providers })
  if (pack) for (const line of packLines(pack)) ctx.out(line)
  else ctx.out('No active model pack.')
  for (const line of providerLines(providers)) ctx.out(line)
}

async function printSession(
  services: Services,
  ctx: CliContext,
  id: string,
  options: { samples: string; json?: boolean },
): Promise<void> {
  const sessions = services.api.sessions
  const detail = await sessions.get({ id })
  const stats = await sessions.stats({ id, sampleFrames: Math.max(1, Number.parseInt(options.samples, 10) || 12) })
  const { summary: s, manifest } = detail
  if (options.json) {
    ctx.json({
      summary: s,
      camera: manifest.camera,
      stats,
      depthMedianMeters: stats.depthMedianMeters,
      decisions: detail.report?.decisions ?? null,
      report: detail.report,
    })
  } else {
    const c = manifest.camera
    const depth = stats.depthRangeMeters
    ctx.out(`${s.name} (${s.id})${s.readOnly ? ' — built-in, read-only' : ''}`)
    ctx.out(`  source       ${s.sourceFormat}  ${s.sourcePath}`)
    ctx.out(`  frames       ${s.frameCount} over ${formatSeconds(s.durationSec)}`)
    ctx.out(`  resolution   depth ${s.width}×${s.height}, rgb ${s.rgbWidth}×${s.rgbHeight}`)
    ctx.out(
      `  depth unit   ${s.depthUnitMeters} m (invalid values ${manifest.depthInvalidValues.join(', ') || 'none'})`,
    )
    ctx.out(
      depth
        ? `  depth range  ${depth.min.toFixed(3)}–${depth.max.toFixed(3)} m (2–98 %: ${depth.p02.toFixed(3)}–${depth.p98.toFixed(3)} m, median ${stats.depthMedianMeters?.toFixed(3) ?? '–'} m), ${(100 * stats.validDepthFraction).toFixed(1)} % valid over ${stats.sampledFrames} frames`
        : `  depth range  no valid depth in ${stats.sampledFrames} sampled frames`,
    )
    ctx.out(`  poses        ${s.posedFrameCount}/${s.frameCount} frames (${(100 * stats.poseCoverage).toFixed(0)} %)`)
    ctx.out(
      `  intrinsics   fx ${c.fx} fy ${c.fy} cx ${c.cx} cy ${c.cy}${s.hasIntrinsics ? '' : ' (assumed by the importer)'}`,
    )
    ctx.out(`  labels       ${s.hasLabels ? 'yes' : 'no'}`)
    ctx.out(`  disk         ${formatMegabytes(s.sizeBytes)}`)
    const decisions = detail.report?.decisions
    if (decisions) ctx.out('  import decisions')
    for (const line of decisions
      ? decisionLines(decisions, '    ')
      : ['  import decisions  not recorded (imported before decisions were saved, or built in)'])
      ctx.out(line)
  }
}
