/**
 * Map render benchmark in headless Chromium (SwiftShader): frame time of the regl map renderer at
 * 1 M and 5 M voxels with point budgets of 50 k, 100 k and 300 k, against drawing every point in the same run.
 * Run: `npx tsx test/bench/map-render.bench.ts [--quick]` (needs /usr/bin/chromium).
 */
import { chromium } from 'playwright-core'
import { resolve } from 'node:path'
import { build } from 'vite'

const root = resolve(import.meta.dirname, '..', '..')
const quick = process.argv.includes('--quick')
const budgets = [50_000, 100_000, 300_000]
const frames = quick ? 3 : 8

const bundle = await build({
  configFile: false, logLevel: 'silent',
  resolve: { alias: { '@contract': resolve(root, 'src-main/contract') } },
  build: { write: false, lib: { entry: resolve(import.meta.dirname, 'map-render-page.ts'), formats: ['iife'], name: 'mapRenderBench' }, minify: false },
})
const output = (Array.isArray(bundle) ? bundle[0] : bundle) as { output: Array<{ type: string; code?: string }> }
const code = output.output.find((o) => o.type === 'chunk')?.code
if (!code) throw new Error('bundling the bench page failed')

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] })
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.setContent('<!doctype html><body style="margin:0"></body>')
  await page.addScriptTag({ content: code })
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl')
    const info = gl?.getExtension('WEBGL_debug_renderer_info')
    return info && gl ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown'
  })
  console.log(`WebGL: ${renderer}; 1280×800 canvas`)
  for (const count of quick ? [1_000_000] : [1_000_000, 5_000_000]) {
    const run = (b: number) => page.evaluate(([n, b2, f]) => (window as unknown as { mapRenderBench: (a: number, b: number, c: number) => Promise<{ medianMs: number; drawn: number }> }).mapRenderBench(n!, b2!, f!), [count, b, frames])
    const all = await run(Number.MAX_SAFE_INTEGER)
    const label = `${(count / 1e6).toFixed(0)} M voxels`
    console.log(`${label}, all points drawn      ${all.medianMs.toFixed(1).padStart(8)} ms/frame  ${(1000 / all.medianMs).toFixed(1).padStart(6)} FPS`)
    for (const budget of budgets) {
      const budgeted = await run(budget)
      console.log(`${label}, budget ${budget / 1000} k           ${budgeted.medianMs.toFixed(1).padStart(8)} ms/frame  ${(1000 / budgeted.medianMs).toFixed(1).padStart(6)} FPS  (${(budgeted.medianMs / all.medianMs).toFixed(2)}× all points)`)
    }
  }
} finally {
  await browser.close()
}
