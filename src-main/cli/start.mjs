#!/usr/bin/env node
// `npm start`: the Electron app where its binary is installed and a display exists; otherwise one
// line says why (and how to get the binary), and browser mode starts with a printed URL.
// Builds first only when sources changed since the last build.
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildIfStale, repoRoot } from './build-state.mjs'
import { runConsoleHost } from './console-host.mjs'

const require = createRequire(import.meta.url)

/** The Electron binary's path, or why there is none. */
function electronBinary() {
  try {
    const path = require('electron') // the package exports the binary's path (it throws when the download never happened)
    if (typeof path === 'string' && existsSync(path)) return { path }
  } catch {
    // fall through: not downloaded
  }
  const why = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
    ? 'it was skipped at install (ELECTRON_SKIP_BINARY_DOWNLOAD)'
    : "electron's install script did not run or could not download it"
  return {
    why: `Electron binary not installed: ${why}; get it with \`node node_modules/electron/install.js\` (needs the network).`,
  }
}

function displayMissing() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
}

buildIfStale()
const electron = electronBinary()
const reason = electron.path
  ? displayMissing()
    ? 'No display (DISPLAY/WAYLAND_DISPLAY unset) for the Electron window.'
    : null
  : electron.why
if (reason === null) runConsoleHost(electron.path, [repoRoot])
else {
  console.log(`${reason} Starting browser mode instead.`)
  runConsoleHost(process.execPath, [join(repoRoot, 'out', 'main', 'server.js'), ...process.argv.slice(2)])
}
