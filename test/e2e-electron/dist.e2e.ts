/**
 * `npm run dist -- --dir` for this machine's architecture, then the unpacked app is checked: the
 * onnxruntime-node folder is unpacked whole with no foreign binaries, models and the demo recording
 * sit outside app.asar, and the packaged path resolution finds them. electron-builder needs the
 * Electron zip; where it is not in its cache (offline machines) the test skips with one line.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { listPackage } from '@electron/asar'
import { describe, expect, it } from 'vitest'
import { consolePaths, installLayout } from '../../src-main/platform/paths'
import { repoRoot } from '../e2e/harness'

const arch = process.arch === 'arm64' ? 'arm64' : 'x64'
const electronVersion = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version
const zipName = `electron-v${electronVersion}-linux-${arch}.zip`

/** The folder holding the Electron zip in electron-builder's download cache (one level of hash folders), or null. */
function cachedZipFolder(): string | null {
  const cache = process.env.ELECTRON_CACHE ?? join(homedir(), '.cache', 'electron')
  if (!existsSync(cache)) return null
  if (existsSync(join(cache, zipName))) return cache
  for (const name of readdirSync(cache)) {
    const folder = join(cache, name)
    if (statSync(folder).isDirectory() && existsSync(join(folder, zipName))) return folder
  }
  return null
}

const zipFolder = process.platform === 'linux' ? cachedZipFolder() : null
if (!zipFolder)
  console.warn(
    `Packaging test skipped: ${zipName} is not in electron-builder's cache (ELECTRON_CACHE or ~/.cache/electron).`,
  )

describe.skipIf(!zipFolder)('npm run dist -- --dir', () => {
  it('builds an unpacked app with native modules, models and the demo recording outside the asar', () => {
    const run = spawnSync('npm', ['run', 'dist', '--', '--dir'], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, DVE_ELECTRON_DIST: zipFolder ?? '' },
      timeout: 590_000,
    })
    expect(run.status).toBe(0)
    const resources = join(repoRoot, 'dist', arch === 'x64' ? 'linux-unpacked' : 'linux-arm64-unpacked', 'resources')
    const napi = join(resources, 'app.asar.unpacked', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6')
    expect(readdirSync(napi)).toEqual(['linux'])
    expect(readdirSync(join(napi, 'linux'))).toEqual([arch])
    expect(readdirSync(join(napi, 'linux', arch)).sort()).toEqual(['libonnxruntime.so.1', 'onnxruntime_binding.node'])

    const inAsar = listPackage(join(resources, 'app.asar'), { isPack: false })
    for (const file of [
      '/out/main/index.js',
      '/out/main/inference-worker.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/node_modules/onnxruntime-common/package.json',
    ]) {
      expect(inAsar).toContain(file)
    }
    expect(inAsar.filter((file) => /\.(onnx|onnx\.data)$/.test(file))).toEqual([])

    const layout = installLayout({
      resourcesPath: resources,
      codeDir: join(resources, 'app.asar', 'out', 'main'),
      checkoutRoot: repoRoot,
    })
    const paths = consolePaths('/tmp/unused-home', layout.assetsRoot)
    expect(existsSync(join(paths.shippedModels, 'demo', 'model.json'))).toBe(true)
    expect(existsSync(join(paths.resources, 'demo-recording', 'session.json'))).toBe(true)
    expect(
      existsSync(join(layout.onnxRuntimeModule, 'bin', 'napi-v6', 'linux', arch, 'onnxruntime_binding.node')),
    ).toBe(true)
  })
})
