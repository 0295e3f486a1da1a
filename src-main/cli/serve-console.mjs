// `dve serve` and `npm run serve`: the console in browser mode from the built server (built first when
// sources changed), run as a child (console-host.mjs).
import { join } from 'node:path'
import { buildIfStale, repoRoot } from './build-state.mjs'
import { runConsoleHost } from './console-host.mjs'

export function serveConsole(args) {
  buildIfStale()
  runConsoleHost(process.execPath, [join(repoRoot, 'out', 'main', 'server.js'), ...args])
}
