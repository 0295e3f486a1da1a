/** The `dve` command line: the console's services for scripts and batch work on the robot. */
import { Command, CommanderError } from 'commander'
import { ConsoleError } from '../contract'
import { consoleVersion } from '../platform/version'
import { createCliContext } from './cli-context'
import { registerCommands } from './commands'

const program = new Command()
program
  .name('dve')
  .description('DVE Console command line: import recordings, run DVEFormer, query, segment, map, benchmark.')
  .version(consoleVersion(), '-V, --version-number')
  .showHelpAfterError()
  .exitOverride()

registerCommands(program, createCliContext())

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode)
  if (error instanceof ConsoleError) {
    process.stderr.write(`dve: ${error.message}\n`)
    process.exit(error.code === 'invalid_input' || error.code === 'not_found' ? 2 : 1)
  }
  process.stderr.write(`dve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
}
