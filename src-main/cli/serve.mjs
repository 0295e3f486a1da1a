#!/usr/bin/env node
// `npm run serve`: the same as `dve serve` (serve-console.mjs).
import { serveConsole } from './serve-console.mjs'

serveConsole(process.argv.slice(2))
