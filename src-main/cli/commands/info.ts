import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { formatMegabytes, formatSeconds } from '../cli-format'

export function registerInfoCommand(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('show a session: frames, resolution, depth range, pose coverage, intrinsics')
    .argument('<session>', 'session id (see `dve sessions`)')
    .option('--samples <n>', 'frames sampled for the depth range', '12')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { samples: string; json?: boolean }) => {
      const services = await ctx.services()
      const sessions = services.api.sessions
      const detail = await sessions.get({ id })
      const stats = await sessions.stats({ id, sampleFrames: Math.max(1, Number.parseInt(options.samples, 10) || 12) })
      const { summary: s, manifest } = detail
      if (options.json) {
        ctx.json({ summary: s, camera: manifest.camera, stats, report: detail.report })
      } else {
        const c = manifest.camera
        const depth = stats.depthRangeMeters
        ctx.out(`${s.name} (${s.id})${s.readOnly ? ' — built-in, read-only' : ''}`)
        ctx.out(`  source       ${s.sourceFormat}  ${s.sourcePath}`)
        ctx.out(`  frames       ${s.frameCount} over ${formatSeconds(s.durationSec)}`)
        ctx.out(`  resolution   depth ${s.width}×${s.height}, rgb ${s.rgbWidth}×${s.rgbHeight}`)
        ctx.out(`  depth unit   ${s.depthUnitMeters} m (invalid values ${manifest.depthInvalidValues.join(', ') || 'none'})`)
        ctx.out(
          depth
            ? `  depth range  ${depth.min.toFixed(3)}–${depth.max.toFixed(3)} m (2–98 %: ${depth.p02.toFixed(3)}–${depth.p98.toFixed(3)} m), ${(100 * stats.validDepthFraction).toFixed(1)} % valid over ${stats.sampledFrames} frames`
            : `  depth range  no valid depth in ${stats.sampledFrames} sampled frames`,
        )
        ctx.out(`  poses        ${s.posedFrameCount}/${s.frameCount} frames (${(100 * stats.poseCoverage).toFixed(0)} %)`)
        ctx.out(`  intrinsics   fx ${c.fx} fy ${c.fy} cx ${c.cx} cy ${c.cy}${s.hasIntrinsics ? '' : ' (assumed by the importer)'}`)
        ctx.out(`  labels       ${s.hasLabels ? 'yes' : 'no'}`)
        ctx.out(`  disk         ${formatMegabytes(s.sizeBytes)}`)
      }
      await services.dispose()
    })
}
