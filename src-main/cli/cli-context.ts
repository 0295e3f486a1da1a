/**
 * What every `dve` subcommand gets: the services (created on first use, on the same code path as the
 * UI), output helpers, and a progress printer for jobs.
 */
import { createServices, type Services } from '../services/create-services'
import { consoleVersion } from '../platform/version'
import type { JobInfo } from '../contract'
import { printableLines } from '../services/security/printable'

export interface CliContext {
  services(): Promise<Services>
  /** Print a line to stdout. */
  out(line: string): void
  /** Print JSON to stdout. */
  json(value: unknown): void
}

export function createCliContext(): CliContext {
  let services: Promise<Services> | null = null
  return {
    services() {
      services ??= createServices({
        host: 'cli',
        version: consoleVersion(),
        echoLog: (line) => {
          if (line.level !== 'info' || process.env.DVE_VERBOSE) process.stderr.write(`[${line.level}] ${line.source}: ${line.message}\n`)
        },
      }).then((created) => {
        created.events.subscribe((name, payload) => {
          if (name === 'job') printJob(payload as JobInfo)
        })
        return created
      })
      return services
    },
    // Names come from folders and files on disk: escape sequences in them must not reach the terminal.
    out: (line) => process.stdout.write(`${printableLines(line)}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  }
}

function printJob(job: JobInfo): void {
  if (!process.stderr.isTTY && job.state === 'running') return
  const pct = job.total > 0 ? `${Math.round((100 * job.done) / job.total)}%` : `${job.done}`
  const eta = job.etaSeconds !== null ? ` ETA ${Math.ceil(job.etaSeconds)} s` : ''
  const rate = job.rate !== null ? ` ${job.rate.toFixed(1)}/s` : ''
  const line = `${job.title}: ${job.state === 'running' ? pct : job.state}${rate}${eta} ${job.message}`.trimEnd()
  const shown = printableLines(line)
  process.stderr.write(process.stderr.isTTY && job.state === 'running' ? `\r${shown.padEnd(80)}` : `${shown}\n`)
}
