/** A benchmark prints ratios against a baseline measured in the same run (never timed test asserts). */
import type { CliContext } from '../cli-context'

export interface BenchRow {
  /** What was measured, e.g. "pipeline per frame". */
  name: string
  value: number
  unit: string
  /** Optional ratio against the run's baseline, with the baseline's name. */
  ratio?: { value: number; baseline: string }
  /** The aim from the issue, shown next to the figure, e.g. "≤ 1.15". */
  aim?: string
}

export interface BenchOptions {
  /** Repeat count or problem size hint; each bench documents its own meaning. */
  quick: boolean
  json: boolean
  /** `--model <pack folder | synthetic>`: benches that take a model pack use it. */
  model?: string
  /** `--seconds <s>`: how long a bench that streams runs (live: default 300, --quick 30). */
  seconds?: number
}

export interface Bench {
  name: string
  description: string
  run(ctx: CliContext, options: BenchOptions): Promise<BenchRow[]>
}
