import type { Command } from 'commander'
import type { ModelPackInfo, ProviderStatus } from '../../contract'
import type { CliContext } from '../cli-context'

export function registerModelsCommand(program: Command, ctx: CliContext): void {
  program
    .command('models')
    .description(
      'list model packs (validity, active pack) and the execution providers; checks the active pack against its ONNX graphs',
    )
    .option('--json', 'print JSON')
    .option('--check-all', 'also load every other pack to check it against its graphs')
    .action(async (flags: { json?: boolean; checkAll?: boolean }) => {
      const services = await ctx.services()
      try {
        const listed = await services.api.models.list()
        const packs = await Promise.all(
          listed.map((p) => (p.active || (flags.checkAll && p.valid) ? services.api.models.get({ id: p.id }) : p)),
        )
        const providers = await services.api.models.providers()
        if (flags.json) {
          ctx.json({ packs, providers })
          return
        }
        if (!packs.length) ctx.out('No model packs found.')
        for (const pack of packs) for (const line of packLines(pack)) ctx.out(line)
        for (const line of providerLines(providers)) ctx.out(line)
      } finally {
        await services.dispose()
      }
    })
}

/** The provider order, the one in use and why the others were skipped. */
export function providerLines(providers: ProviderStatus): string[] {
  return [
    `Execution providers: order ${providers.order.join(' → ')}; active ${providers.active ?? 'none loaded'}`,
    ...providers.fallbacks.map((reason) => `  skipped ${reason}`),
  ]
}

export function packLines(pack: ModelPackInfo): string[] {
  const state = !pack.valid ? 'INVALID' : pack.graph?.ok ? 'checked' : 'manifest ok'
  const lines = [`${pack.active ? '*' : ' '} ${pack.id} (${pack.source}) — ${state}`]
  const m = pack.manifest
  if (m) {
    const image = m.image
    lines.push(`    ${m.name}: ${m.description}`)
    lines.push(
      `    image ${image.inputSize.width}×${image.inputSize.height}, stride ${image.outputStride}, ${image.embeddingDim}-d; text ${m.text ? `context ${m.text.contextLength}, "${m.text.promptTemplate}"` : 'none'}`,
    )
  }
  if (pack.graph?.ok)
    lines.push(`    runs on ${pack.graph.provider}, output dims [${pack.graph.imageOutputDims?.join(', ')}]`)
  for (const error of pack.errors) lines.push(`    error: ${error}`)
  lines.push(`    ${pack.dir}`)
  return lines
}
