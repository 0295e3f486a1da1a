#!/usr/bin/env node
// `npm run serve`: browser mode from the built server; builds first only when sources changed.
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { buildIfStale, repoRoot } from './build-state.mjs'

buildIfStale()
await import(pathToFileURL(join(repoRoot, 'out', 'main', 'server.js')).href)
