import type { Command } from 'commander'
import type { SessionSummary } from '../../contract'
import type { CliContext } from '../cli-context'
import { formatMegabytes, formatSeconds } from '../cli-format'

export function registerSessionsCommand(program: Command, ctx: CliContext): void {
  program
    .command('sessions')
    .description('list the recorded sessions in the library (and the built-in demo)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const services = await ctx.services()
      const sessions = await services.api.sessions.list()
      if (options.json) ctx.json(sessions)
      else if (sessions.length === 0) ctx.out(`No sessions in ${services.paths.sessions}. Import one with: dve import <path>`)
      else for (const line of sessionTable(sessions)) ctx.out(line)
      await services.dispose()
    })
}

function sessionTable(sessions: SessionSummary[]): string[] {
  const rows = sessions.map((s) => [
    s.id,
    s.name,
    s.sourceFormat,
    String(s.frameCount),
    formatSeconds(s.durationSec),
    `${s.width}×${s.height}`,
    s.hasPoses ? 'yes' : 'no',
    formatMegabytes(s.sizeBytes),
    s.readOnly ? 'built-in' : '',
  ])
  const header = ['ID', 'NAME', 'FORMAT', 'FRAMES', 'DURATION', 'SIZE', 'POSES', 'DISK', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd())
}
