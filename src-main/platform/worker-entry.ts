/**
 * Starts a worker thread from a sibling module. Built code (electron-vite) has `<name>.js` next to
 * the bundle; from source (tsx, vitest) it is `<name>.mjs` (plain JS, run as it is) or `<name>.ts`,
 * which needs the tsx loader.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

/** `fromUrl` is the caller's `import.meta.url`; `name` the worker module's base name. */
export function startWorker(fromUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const dir = dirname(fileURLToPath(fromUrl))
  const built = join(dir, `${name}.js`)
  if (existsSync(built)) return new Worker(built, options)
  const plain = join(dir, `${name}.mjs`) // a worker written in JS runs as it is
  if (existsSync(plain)) return new Worker(plain, options)
  // Node 20 ignores `--import tsx` in a worker's execArgv, so register tsx inside the worker first.
  const source = pathToFileURL(join(dir, `${name}.ts`)).href
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
