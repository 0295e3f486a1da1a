/** The console's version, read once from package.json. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { appRoot } from './paths'

export function consoleVersion(): string {
  const pkg = JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version?: unknown }
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
}
