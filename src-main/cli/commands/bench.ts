import type { Command } from 'commander'
import os from 'node:os'
import type { CliContext } from '../cli-context'
import { benches, namedOnlyBenches } from '../benches'
import type { BenchRow } from '../benches/bench-types'

export function registerBenchCommand(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description(
      `run benchmarks (${benches.map((b) => b.name).join(', ') || 'none registered'}); all when no name is given; by name only: ${namedOnlyBenches.map((b) => b.name).join(', ')}`,
    )
    .argument('[names...]', 'benchmarks to run')
    .option('--quick', 'fewer repetitions (CI smoke)')
    .option('--json', 'print JSON')
    .option(
      '--model <pack>',
      "inference: a model pack folder (or 'synthetic', DVEFormer's sizes) for the added-CPU and cache-write rows",
    )
    .option('--seconds <s>', 'live: how long the simulated stream runs (default 300 s, --quick 30 s)')
    .action(async (names: string[], options: { quick?: boolean; json?: boolean; model?: string; seconds?: string }) => {
      const seconds = options.seconds === undefined ? undefined : Number(options.seconds)
      if (seconds !== undefined && !(seconds >= 10))
        throw new Error(`dve bench: --seconds must be a number of seconds ≥ 10 (got "${options.seconds}").`)
      const known = [...benches, ...namedOnlyBenches]
      const chosen = names.length ? known.filter((b) => names.includes(b.name)) : benches
      const unknown = names.filter((n) => !known.some((b) => b.name === n))
      if (unknown.length)
        throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${known.map((b) => b.name).join(', ')}`)
      const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`
      const results: Record<string, BenchRow[]> = {}
      if (!options.json) ctx.out(`Machine: ${machine}`)
      for (const bench of chosen) {
        const rows = await bench.run(ctx, {
          quick: Boolean(options.quick),
          json: Boolean(options.json),
          model: options.model,
          seconds,
        })
        results[bench.name] = rows
        if (!options.json) printRows(ctx, bench.name, rows)
      }
      if (options.json) ctx.json({ machine, results })
      const services = await ctx.services()
      await services.dispose()
    })
}

function printRows(ctx: CliContext, name: string, rows: BenchRow[]): void {
  ctx.out(`\n## ${name}`)
  for (const row of rows) {
    const ratio = row.ratio ? `  (${row.ratio.value.toFixed(2)}× ${row.ratio.baseline})` : ''
    const aim = row.aim ? `  aim ${row.aim}` : ''
    ctx.out(`${row.name.padEnd(48)} ${formatValue(row.value).padStart(10)} ${row.unit}${ratio}${aim}`)
  }
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3)
}
