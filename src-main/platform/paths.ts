/** Where the console keeps its data, and where the repository's shipped assets are. */
import { homedir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
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

/** The repository (or packaged app) root: the nearest folder above this file with package.json. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir
    dir = dirname(dir)
  }
  return process.cwd()
}

export function defaultHome(): string {
  return process.env.DVE_HOME ? resolve(process.env.DVE_HOME) : join(homedir(), '.local', 'share', 'dve-console')
}

export function consolePaths(home = defaultHome(), root = appRoot()): ConsolePaths {
  return {
    home,
    sessions: join(home, 'sessions'),
    cache: join(home, 'cache'),
    userModels: join(home, 'models'),
    shippedModels: join(root, 'models'),
    resources: join(root, 'resources'),
  }
}
