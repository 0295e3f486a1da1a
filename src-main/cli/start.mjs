#!/usr/bin/env node
// `npm start`: Electron where its binary is installed, otherwise browser mode with a printed URL.
import { spawnSync, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'

const require = createRequire(import.meta.url)

function electronBinary() {
  try {
    const path = require('electron') // the package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const binary = electronBinary()
const child = binary
  ? spawn(binary, ['.'], { stdio: 'inherit' })
  : (console.log('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); starting browser mode instead.'),
    spawn('npx', ['tsx', 'src-main/server/main.ts', ...process.argv.slice(2)], { stdio: 'inherit' }))
child.on('exit', (code) => process.exit(code ?? 0))
