/**
 * Where the console keeps its data, and where the shipped assets are: the checkout when run from
 * source or `out/`, the app's resources folder (outside `app.asar`) when packaged by electron-builder.
 */
import { homedir } from 'node:os'
import { join, resolve, dirname, sep } from 'node:path'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface ConsolePaths {
  /** Root of user data: sessions, caches, class sets, maps, settings. */
  home: string
  /** Imported sessions. */
  sessions: string
  /** Per-model inference cache. */
  cache: string
  /** User model packs (besides the shipped ones). */
  userModels: string
  /** Shipped model packs (`models/` in the repository). */
  shippedModels: string
  /** Shipped resources (`resources/`), e.g. the demo recording. */
  resources: string
}

const appFolderName = 'dve-console'

/** The repository (or packaged app) root: the nearest folder above this file with package.json. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir
    dir = dirname(dir)
  }
  return process.cwd()
}

export interface InstallLayout {
  packaged: boolean
  /** Holds `models/` and `resources/`: the checkout, or the resources folder when packaged. */
  assetsRoot: string
  /** onnxruntime-node's own folder; `app.asar.unpacked/…` when packaged, since native code cannot load from an asar. */
  onnxRuntimeModule: string
}

export interface LayoutProbe {
  /** Electron's `process.resourcesPath` (undefined in plain Node). */
  resourcesPath?: string
  /** The folder of the running code, e.g. `<resources>/app.asar/out/main` when packaged. */
  codeDir: string
  /** The checkout root when not packaged. */
  checkoutRoot: string
}

/** Packaged means the code runs from `<resourcesPath>/app.asar`; models and native modules then sit beside it. */
export function installLayout(probe: LayoutProbe = currentProbe()): InstallLayout {
  const asar = probe.resourcesPath ? join(probe.resourcesPath, 'app.asar') : null
  if (asar && probe.resourcesPath && (probe.codeDir === asar || probe.codeDir.startsWith(asar + sep))) {
    return {
      packaged: true,
      assetsRoot: probe.resourcesPath,
      onnxRuntimeModule: join(probe.resourcesPath, 'app.asar.unpacked', 'node_modules', 'onnxruntime-node'),
    }
  }
  return {
    packaged: false,
    assetsRoot: probe.checkoutRoot,
    onnxRuntimeModule: join(probe.checkoutRoot, 'node_modules', 'onnxruntime-node'),
  }
}

function currentProbe(): LayoutProbe {
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath
  return { resourcesPath, codeDir: dirname(fileURLToPath(import.meta.url)), checkoutRoot: appRoot() }
}

/** The platform's folder for application data: XDG on Linux, Application Support on macOS, AppData on Windows. */
export function platformDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appFolderName)
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appFolderName)
  const xdg = env.XDG_DATA_HOME
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), appFolderName)
}

/** `DVE_HOME` wins over the platform's data folder. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.DVE_HOME ? resolve(env.DVE_HOME) : platformDataDir(process.platform, env)
}

export function consolePaths(home = defaultHome(), root = installLayout().assetsRoot): ConsolePaths {
  return {
    home,
    sessions: join(home, 'sessions'),
    cache: join(home, 'cache'),
    userModels: join(home, 'models'),
    shippedModels: join(root, 'models'),
    resources: join(root, 'resources'),
  }
}
