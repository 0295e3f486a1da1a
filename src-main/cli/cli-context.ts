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

/** What the CLI's entry needs besides: for the interruption handler and its one line. */
export interface CliRun extends CliContext {
  /** The services when a command has created them. */
  created(): Promise<Services> | null
  /** The last state of every job this run has seen. */
  jobsSeen(): JobInfo[]
}

export function createCliContext(): CliRun {
  let services: Promise<Services> | null = null
  const seen = new Map<string, JobInfo>()
  return {
    services() {
      services ??= createServices({
        host: 'cli',
        version: consoleVersion(),
        echoLog: (line) => {
          if (line.level !== 'info' || process.env.DVE_VERBOSE)
            process.stderr.write(`[${line.level}] ${line.source}: ${line.message}\n`)
        },
      }).then((created) => {
        created.events.subscribe((name, payload) => {
          if (name !== 'job') return
          const job = payload as JobInfo
          seen.set(job.id, job)
          printJob(job)
        })
        return created
      })
      return services
    },
    // Names come from folders and files on disk: escape sequences in them must not reach the terminal.
    out: (line) => process.stdout.write(`${printableLines(line)}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    created: () => services,
    jobsSeen: () => [...seen.values()],
  }
}

function printJob(job: JobInfo): void {
  // Not a terminal: progress lines only when asked (logs of long runs, the fault tests).
  if (!process.stderr.isTTY && job.state === 'running' && !process.env.DVE_PROGRESS_LINES) return
  const pct = job.total > 0 ? `${Math.round((100 * job.done) / job.total)}%` : `${job.done}`
  const eta = job.etaSeconds !== null ? ` ETA ${Math.ceil(job.etaSeconds)} s` : ''
  const rate = job.rate !== null ? ` ${job.rate.toFixed(1)}/s` : ''
  const line = `${job.title}: ${job.state === 'running' ? pct : job.state}${rate}${eta} ${job.message}`.trimEnd()
  const shown = printableLines(line)
  process.stderr.write(process.stderr.isTTY && job.state === 'running' ? `\r${shown.padEnd(80)}` : `${shown}\n`)
}
