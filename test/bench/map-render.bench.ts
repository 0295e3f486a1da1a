/**
 * Map render benchmark in headless Chromium (SwiftShader): frame time of the map renderer (octree LOD
 * within a point budget, as the Map view draws) at 1 M and 10 M voxels, 1280×800, each with the points
 * drawn, against drawing every point of the 1 M map in the same run; 10 M beside 1 M shows the growth.
 * Run: `npx tsx test/bench/map-render.bench.ts [--quick] [--screenshot out.png]` (needs Chromium on PATH).
 */
import { chromium } from 'playwright-core'
import { resolve } from 'node:path'
import { build } from 'vite'
import { chromiumPath } from '../helpers/prerequisites'

const root = resolve(import.meta.dirname, '..', '..')
const quick = process.argv.includes('--quick')
const screenshot = process.argv.includes('--screenshot')
  ? process.argv[process.argv.indexOf('--screenshot') + 1]
  : undefined
/** The Map view's starting budget while the camera moves (it adapts from there). */
const budget = 150_000
const frames = quick ? 3 : 8

const bundle = await build({
  configFile: false,
  logLevel: 'silent',
  resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
  build: {
    write: false,
    lib: { entry: resolve(import.meta.dirname, 'map-render-page.ts'), formats: ['iife'], name: 'mapRenderBench' },
    minify: false,
  },
})
const output = (Array.isArray(bundle) ? bundle[0] : bundle) as { output: Array<{ type: string; code?: string }> }
const code = output.output.find((o) => o.type === 'chunk')?.code
if (!code) throw new Error('bundling the bench page failed')
if (!chromiumPath) throw new Error('No Chromium on PATH (or CHROMIUM_PATH): the render benchmark needs it.')

type Result = { medianMs: number; drawn: number; buildMs: number }
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.setContent('<!doctype html><body style="margin:0"></body>')
  await page.addScriptTag({ content: code })
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl')
    const info = gl?.getExtension('WEBGL_debug_renderer_info')
    return info && gl ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown'
  })
  console.log(`WebGL: ${renderer}; 1280×800 canvas; octree LOD, budget ${budget / 1000} k points`)
  const run = (count: number, b: number, keep = false, adapt = false): Promise<Result> =>
    page.evaluate(
      ([n, b2, f, k, a]) =>
        (
          window as unknown as {
            mapRenderBench: (a: number, b: number, c: number, d: boolean, e: boolean) => Promise<Result>
          }
        ).mapRenderBench(n!, b2!, f!, k === 1, a === 1),
      [count, b, frames, keep ? 1 : 0, adapt ? 1 : 0],
    )
  const small = quick ? 100_000 : 1_000_000
  const large = quick ? 1_000_000 : 10_000_000
  const all = await run(small, Number.MAX_SAFE_INTEGER)
  const line = (label: string, r: Result, extra = ''): void =>
    console.log(
      `${label.padEnd(34)} ${r.medianMs.toFixed(1).padStart(8)} ms/frame ${(1000 / r.medianMs).toFixed(1).padStart(6)} FPS  ${r.drawn.toLocaleString('en').padStart(10)} points drawn  (octree ${r.buildMs.toFixed(0)} ms)${extra}`,
    )
  line(`${small / 1e6} M voxels, every point`, all)
  const lodSmall = await run(small, budget)
  line(
    `${small / 1e6} M voxels, LOD`,
    lodSmall,
    `  (${(lodSmall.medianMs / all.medianMs).toFixed(2)}× every point)  aim ≥ 30 FPS`,
  )
  const lodLarge = await run(large, budget, Boolean(screenshot))
  line(
    `${large / 1e6} M voxels, LOD`,
    lodLarge,
    `  (${(lodLarge.medianMs / lodSmall.medianMs).toFixed(2)}× the ${small / 1e6} M map)  aim ≥ 30 FPS`,
  )
  // What a person gets while moving the camera: the Map view's adaptive budget from the same start.
  const moving = await run(large, budget, false, true)
  line(
    `${large / 1e6} M voxels, LOD, moving (adapted)`,
    moving,
    `  (${(moving.medianMs / lodLarge.medianMs).toFixed(2)}× the fixed ${budget / 1000} k budget)  aim ≥ 30 FPS`,
  )
  if (screenshot) await page.screenshot({ path: screenshot })
} finally {
  await browser.close()
}
