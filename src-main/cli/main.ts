/** The `dve` command line: the console's services for scripts and batch work on the robot. */
import { Command, CommanderError } from 'commander'
import { ConsoleError } from '../contract'
import { consoleVersion } from '../platform/version'
import { handleInterruption } from '../platform/interruption'
import { printableLines } from '../services/security/printable'
import { createCliContext } from './cli-context'
import { registerCommands } from './commands'
import { diskFullLine } from './disk-full-line'
import { interruptedLine } from './interrupted-line'

const program = new Command()
program
  .name('dve')
  .description('DVE Console command line: import recordings, run DVEFormer, query, segment, map, benchmark.')
  .version(consoleVersion(), '-V, --version-number')
  .showHelpAfterError()
  .exitOverride()

const ctx = createCliContext()
registerCommands(program, ctx)
// `dve serve` never reaches this process: the `dve` entry starts the server itself (serve-console.mjs).
program.addHelpText(
  'after',
  '\nBrowser mode (the console behind a token-protected web server): dve serve [--host H] [--port P] [--tls] (dve serve --help)',
)

const stderrLine = (line: string) => process.stderr.write(`${printableLines(line)}\n`)

// Ctrl-C / SIGTERM: running jobs are cancelled and the command's own path cleans up (checkpoints,
// temporary folders, the native call in flight) before we exit 130 / 143 with one line.
const interruption = handleInterruption({
  write: (line) => stderrLine(`dve: ${line}`),
  exitAfterStop: false,
  stop: async () => {
    const created = ctx.created()
    if (!created) return finishInterrupted()
    const services = await created
    services.jobs.cancelAll()
    // Without a job to cancel (a model load, a query), stop the services and exit once they are down.
    if (!(await services.jobs.list()).some((j) => j.state === 'running')) {
      await services.dispose()
      finishInterrupted()
    }
  },
})

function finishInterrupted(): never {
  stderrLine(interruptedLine(interruption.signal ?? 'SIGINT', ctx.jobsSeen()))
  process.exit(interruption.exitCode())
}

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (interruption.signal) finishInterrupted()
  if (error instanceof CommanderError) process.exit(error.exitCode)
  const diskFull = diskFullLine(error)
  if (diskFull) {
    stderrLine(`dve: ${diskFull}`)
    process.exit(1)
  }
  if (error instanceof ConsoleError) {
    stderrLine(`dve: ${error.message}`)
    process.exit(error.code === 'invalid_input' || error.code === 'not_found' ? 2 : 1)
  }
  stderrLine(`dve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
}
if (interruption.signal) finishInterrupted()
