/**
 * Packaged-mode path resolution: with the layout electron-builder makes from our config (code in
 * app.asar, onnxruntime-node in app.asar.unpacked, models and the demo recording as extraResources),
 * the console finds models, resources, workers and native modules outside the asar; from a checkout
 * it finds them in the checkout. User data goes to the platform's data folder unless DVE_HOME is set.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { builderConfig, foreignOnnxRuntimeBinaries } from '../../../../electron-builder.config.mjs'
import { nativeEntry } from '../../../../src-main/platform/native-process'
import { consolePaths, defaultHome, installLayout, platformDataDir } from '../../../../src-main/platform/paths'

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..')
const scratch = mkdtempSync(join(tmpdir(), 'dve-packaged-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** What electron-builder writes for `config` (enough of it): resources/, app.asar (a folder here), app.asar.unpacked. */
function fakePackagedApp(arch: 'x64' | 'arm64'): string {
  const config = builderConfig(arch)
  const resources = join(scratch, arch, 'resources')
  const asar = join(resources, 'app.asar')
  mkdirSync(join(asar, 'out', 'main'), { recursive: true })
  writeFileSync(join(asar, 'package.json'), '{"name":"dve-console","version":"9.9.9"}')
  for (const name of ['index.js', 'inference-worker.js', 'fusion-worker.js'])
    writeFileSync(join(asar, 'out', 'main', name), '')
  for (const { from, to } of config.extraResources)
    cpSync(
      join(repoRoot, from, from.includes('models') ? 'model.json' : 'session.json'),
      join(resources, to, from.includes('models') ? 'model.json' : 'session.json'),
      { recursive: true },
    )
  expect(config.asarUnpack).toContain('node_modules/onnxruntime-node/**')
  const binding = join(
    resources,
    'app.asar.unpacked',
    'node_modules',
    'onnxruntime-node',
    'bin',
    'napi-v6',
    'linux',
    arch,
  )
  mkdirSync(binding, { recursive: true })
  writeFileSync(join(binding, 'onnxruntime_binding.node'), '')
  writeFileSync(join(binding, 'libonnxruntime.so.1'), '')
  return resources
}

describe('install layout', () => {
  it.each(['x64', 'arm64'] as const)(
    'packaged (%s): models, demo recording, workers and the ORT binding resolve outside the asar',
    (arch) => {
      const resources = fakePackagedApp(arch)
      const codeDir = join(resources, 'app.asar', 'out', 'main')
      const layout = installLayout({ resourcesPath: resources, codeDir, checkoutRoot: '/nonexistent-checkout' })
      expect(layout).toEqual({
        packaged: true,
        assetsRoot: resources,
        onnxRuntimeModule: join(resources, 'app.asar.unpacked', 'node_modules', 'onnxruntime-node'),
      })
      const paths = consolePaths('/home/u/.local/share/dve-console', layout.assetsRoot)
      expect(existsSync(join(paths.shippedModels, 'demo', 'model.json'))).toBe(true)
      expect(existsSync(join(paths.resources, 'demo-recording', 'session.json'))).toBe(true)
      for (const path of [paths.shippedModels, paths.resources, layout.onnxRuntimeModule])
        expect(path.includes(`app.asar${'/'}`)).toBe(false)
      expect(existsSync(join(layout.onnxRuntimeModule, 'bin', 'napi-v6', 'linux', arch, 'libonnxruntime.so.1'))).toBe(
        true,
      )
      expect(nativeEntry(pathToFileURL(join(codeDir, 'index.js')).href, 'inference-worker')).toEqual({
        path: join(codeDir, 'inference-worker.js'),
        typescript: false,
      })
      // The other architecture's and other platforms' ORT binaries are left out of this build.
      expect(foreignOnnxRuntimeBinaries(arch)).toEqual(
        ['darwin', 'win32', `linux/${arch === 'x64' ? 'arm64' : 'x64'}`].map(
          (d) => `node_modules/onnxruntime-node/bin/napi-v6/${d}`,
        ),
      )
      expect(builderConfig(arch).files).toContain(
        `!node_modules/onnxruntime-node/bin/napi-v6/linux/${arch === 'x64' ? 'arm64' : 'x64'}/**`,
      )
    },
  )

  it('from a checkout (or in plain Node, where there is no resourcesPath) everything is in the checkout', () => {
    expect(installLayout({ codeDir: join(repoRoot, 'out', 'main'), checkoutRoot: repoRoot })).toEqual({
      packaged: false,
      assetsRoot: repoRoot,
      onnxRuntimeModule: join(repoRoot, 'node_modules', 'onnxruntime-node'),
    })
    // Electron run from the checkout (`electron .`) has a resourcesPath, but the code is not in its asar.
    expect(
      installLayout({
        resourcesPath: '/opt/electron/resources',
        codeDir: join(repoRoot, 'out', 'main'),
        checkoutRoot: repoRoot,
      }).packaged,
    ).toBe(false)
    expect(installLayout().packaged).toBe(false)
    expect(existsSync(join(consolePaths('/tmp/h').shippedModels, 'demo', 'model.json'))).toBe(true)
  })
})

describe('user data folder', () => {
  it('follows each platform and lets DVE_HOME win', () => {
    expect(platformDataDir('linux', {}, '/home/u')).toBe('/home/u/.local/share/dve-console')
    expect(platformDataDir('linux', { XDG_DATA_HOME: '/data/xdg' }, '/home/u')).toBe('/data/xdg/dve-console')
    expect(platformDataDir('linux', { XDG_DATA_HOME: 'relative/xdg' }, '/home/u')).toBe(
      '/home/u/.local/share/dve-console',
    )
    expect(platformDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/dve-console')
    expect(platformDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe(
      join('C:\\Users\\u\\AppData\\Roaming', 'dve-console'),
    )
    expect(defaultHome({ DVE_HOME: '/srv/dve', XDG_DATA_HOME: '/data/xdg' })).toBe('/srv/dve')
  })
})
