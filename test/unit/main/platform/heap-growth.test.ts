/**
 * The heap-growth setting reaches V8: a flag V8 does not know (renamed in a later V8, e.g. Electron's)
 * is only a line on stderr, never an exception, so the live link would lose the setting silently.
 * Checked in a child process, as setting a V8 flag is process-wide.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('allowHeapGrowthForFrameStreams', () => {
  it('sets a flag this V8 recognises', () => {
    const module = pathToFileURL(join(process.cwd(), 'src-main', 'platform', 'heap-growth.ts')).href
    const run = (call: string) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(module)}); ${call}`],
        {
          encoding: 'utf8',
        },
      )
    const ours = run('m.allowHeapGrowthForFrameStreams()')
    expect(ours.status).toBe(0)
    expect(ours.stderr).not.toMatch(/unrecognized flag/i)
    // The check itself can fail: a misspelt flag is reported there.
    const misspelt = run(
      `(await import('node:v8')).setFlagsFromString('--heap-growing-percentage=' + m.heapGrowingPercent)`,
    )
    expect(misspelt.stderr).toMatch(/unrecognized flag/i)
  })
})
