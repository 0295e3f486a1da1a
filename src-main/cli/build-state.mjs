// Is `out/` (electron-vite's build of every entry: Electron, server, CLI, workers, UI) current?
// Plain JS so it runs before anything is built. A build is current when it is newer than every
// source file it comes from.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const sources = ['src-main', 'src-renderer', 'electron.vite.config.ts']
const outputs = [
  'out/main/index.js',
  'out/main/server.js',
  'out/main/dve.js',
  'out/main/inference-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]

function newestMtimeMs(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)))
  return newest
}

/** True when every output exists and is newer than every source. */
export function buildIsCurrent(root = repoRoot) {
  const built = outputs.map((file) => join(root, file))
  if (!built.every((file) => existsSync(file))) return false
  const oldestOutput = Math.min(...built.map((file) => statSync(file).mtimeMs))
  const newestSource = Math.max(
    ...sources
      .map((path) => join(root, path))
      .filter((path) => existsSync(path))
      .map(newestMtimeMs),
  )
  return oldestOutput >= newestSource
}

/** Builds with electron-vite unless the build is current; exits on a failed build. */
export function buildIfStale(root = repoRoot) {
  if (buildIsCurrent(root)) return
  console.log('Building the console (sources changed since the last build)…')
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
