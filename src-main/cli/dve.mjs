#!/usr/bin/env node
// `dve` entry: runs the TypeScript CLI through tsx so the CLI always matches the source tree.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
