/** `npm run serve`, `npm start` and `dve` run the build only while it is newer than every source. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildIsCurrent } from '../../../../src-main/cli/build-state.mjs'

const root = mkdtempSync(join(tmpdir(), 'dve-build-state-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Writes the file and dates it, and its folders (a folder's time changes when files come or go), `secondsAgo`. */
function touch(path: string, secondsAgo: number): void {
  const file = join(root, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, '')
  const time = new Date(Date.now() - secondsAgo * 1000)
  for (let target = file; target !== root; target = dirname(target)) utimesSync(target, time, time)
}

const outputs = [
  'out/main/index.js',
  'out/main/server.js',
  'out/main/dve.js',
  'out/main/inference-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]

describe('build state', () => {
  it('is current only when every output exists and is newer than every source', () => {
    touch('src-main/services/a.ts', 100)
    touch('src-renderer/src/App.vue', 90)
    touch('electron.vite.config.ts', 200)
    expect(buildIsCurrent(root)).toBe(false) // nothing built
    for (const file of outputs) touch(file, 50)
    expect(buildIsCurrent(root)).toBe(true)
    touch('src-renderer/src/views/NewView.vue', 10) // a UI edit after the build
    expect(buildIsCurrent(root)).toBe(false)
    for (const file of outputs) touch(file, 5)
    expect(buildIsCurrent(root)).toBe(true)
    rmSync(join(root, 'out/main/server.js'))
    expect(buildIsCurrent(root)).toBe(false)
  })
})
