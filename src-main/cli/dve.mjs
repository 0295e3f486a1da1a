#!/usr/bin/env node
// `dve` entry: the built CLI (out/main/dve.js) when the build is current; otherwise the TypeScript
// source through tsx, so a clone without a build, or one with edited sources, still runs as written.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildIsCurrent, repoRoot } from './build-state.mjs'
import { serveConsole } from './serve-console.mjs'

// `dve serve` is the browser-mode server (its own entry).
if (process.argv[2] === 'serve') {
  serveConsole(process.argv.slice(3))
} else if (buildIsCurrent()) {
  await import(pathToFileURL(join(repoRoot, 'out', 'main', 'dve.js')).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./main.ts')
}
