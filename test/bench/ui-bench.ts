/** What the benchmarks of the console's UI paths share: they drive the shipped demo with Chromium. */
import { demoAssetsMissing } from '../e2e/harness'
import { chromiumPath } from '../helpers/prerequisites'

/** Throws, naming what is missing, unless Chromium and the shipped demo are here (a benchmark never skips). */
export function requireChromiumAndDemo(bench: string): void {
  if (!chromiumPath) throw new Error(`No Chromium on PATH (or CHROMIUM_PATH): the ${bench} benchmark needs it.`)
  const missing = demoAssetsMissing()
  if (missing) throw new Error(`The ${bench} benchmark runs on the shipped demo: ${missing}.`)
}

export const quick = process.argv.includes('--quick')
