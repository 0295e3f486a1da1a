#!/usr/bin/env node
// `npm run serve`: browser mode from the built server; builds first only when sources changed. On Linux
// the server runs as a child with glibc's mmap threshold fixed (host-env.mjs).
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { buildIfStale, repoRoot } from './build-state.mjs'
import { consoleHostEnv, runConsoleHost } from './host-env.mjs'

buildIfStale()
const server = join(repoRoot, 'out', 'main', 'server.js')
if (consoleHostEnv()) runConsoleHost(process.execPath, [server, ...process.argv.slice(2)])
else await import(pathToFileURL(server).href)
