import type { Command } from 'commander'
import type { CliContext } from '../cli-context'

export function registerVersionCommand(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('print the console version, platform and active model pack')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const services = await ctx.services()
      const info = await services.api.app.info()
      if (options.json) ctx.json(info)
      else
        ctx.out(
          `DVE Console ${info.version} (${info.platform}; model: ${info.activeModel ?? 'none'}; provider: ${info.executionProvider ?? 'n/a'})`,
        )
      await services.dispose()
    })
}
