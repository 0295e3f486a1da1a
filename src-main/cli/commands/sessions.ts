import type { Command } from 'commander'
import { createInterface } from 'node:readline/promises'
import { ConsoleError, type SessionDeletePreview, type SessionSummary } from '../../contract'
import type { CliContext } from '../cli-context'
import { formatMegabytes, formatSeconds } from '../cli-format'

export function registerSessionsCommand(program: Command, ctx: CliContext): void {
  const sessions = program
    .command('sessions')
    .description('list the recorded sessions in the library (and the built-in demo)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const services = await ctx.services()
      const sessions = await services.api.sessions.list()
      if (options.json) ctx.json(sessions)
      else if (sessions.length === 0)
        ctx.out(`No sessions in ${services.paths.sessions}. Import one with: dve import <path>`)
      else for (const line of sessionTable(sessions)) ctx.out(line)
      await services.dispose()
    })
  sessions
    .command('delete')
    .description(
      'delete a session and everything derived from it (embedding caches, query indexes, maps, labels); asks first, naming the size',
    )
    .argument('<session>', 'session id')
    .option('--yes', 'do not ask (scripts)')
    .action(async (id: string, options: { yes?: boolean }) => {
      const services = await ctx.services()
      try {
        const preview = await services.api.sessions.deletePreview({ id })
        const question = deleteQuestion(preview)
        if (!options.yes) {
          if (!process.stdin.isTTY)
            throw new ConsoleError('invalid_input', `${question} Not asked (no terminal): pass --yes to delete.`)
          if (!(await confirm(`${question} [y/N] `))) return ctx.out('Nothing deleted.')
        }
        await services.api.sessions.delete({ id })
        ctx.out(`Deleted "${preview.name}" (${formatMegabytes(preview.totalBytes)}).`)
      } finally {
        await services.dispose()
      }
    })
}

/** "Delete "Hall" (recording 12.0 MB, embedding cache 3900.0 MB, maps 4.1 MB): 3916.1 MB in all?" */
export function deleteQuestion(preview: SessionDeletePreview): string {
  const parts = preview.parts.map((p) => `${p.what} ${formatMegabytes(p.bytes)}`).join(', ')
  return `Delete "${preview.name}" [${preview.id}] and its data (${parts}): ${formatMegabytes(preview.totalBytes)} in all?`
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim())
  } finally {
    prompt.close()
  }
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
  return [header, ...rows].map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd(),
  )
}
