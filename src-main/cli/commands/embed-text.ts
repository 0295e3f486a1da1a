import type { Command } from 'commander'
import type { CliContext } from '../cli-context'

export function registerEmbedTextCommand(program: Command, ctx: CliContext): void {
  program
    .command('embed-text')
    .description(
      "embed texts with the active pack's text encoder: dim, norm, first values, and the cosines between them",
    )
    .argument('<texts...>', "one or more texts (the pack's prompt template is applied)")
    .option('--json', 'print JSON')
    .action(async (texts: string[], flags: { json?: boolean }) => {
      const services = await ctx.services()
      try {
        const result = await services.api.inference.embedText({ texts })
        if (flags.json) {
          ctx.json(result)
          return
        }
        ctx.out(`dim ${result.dim}, template "${result.promptTemplate}"`)
        for (const item of result.items) {
          ctx.out(
            `"${item.prompt}": norm ${item.norm.toFixed(4)}, first [${item.head.map((v) => v.toFixed(4)).join(', ')}]`,
          )
        }
        if (result.items.length > 1) {
          ctx.out('cosines:')
          result.cosines.forEach((row, i) =>
            ctx.out(
              `  ${String(i + 1).padStart(2)} ${row.map((c) => c.toFixed(3).padStart(7)).join(' ')}  ${result.items[i]?.text ?? ''}`,
            ),
          )
        }
      } finally {
        await services.dispose()
      }
    })
}
