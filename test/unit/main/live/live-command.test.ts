/**
 * `dve live` as a user runs it: against `dve robot simulate` publishing the demo walk, it records the
 * frames it was asked for and says what the live map made of them (keyframes, at most one in 10).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { demoAssetsMissing } from '../../../e2e/harness'

const dveEntry = join(import.meta.dirname, '..', '..', '..', '..', 'src-main', 'cli', 'dve.mjs')
const home = mkdtempSync(join(tmpdir(), 'dve-live-command-'))
const env = { ...process.env, DVE_HOME: home }
const frames = 90

const started: ChildProcess[] = []
afterAll(() => {
  started.forEach((child) => child.kill())
  spawnSync('rm', ['-rf', home])
})

/** Starts `dve robot simulate` on the demo walk (30 fps) and resolves with its URL. */
async function simulatorUrl(): Promise<string> {
  const simulator = spawn(
    process.execPath,
    [dveEntry, 'robot', 'simulate', 'demo-apartment', '--port', '0', '--rate', '3'],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  started.push(simulator)
  let out = ''
  return new Promise((resolve, reject) => {
    simulator.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const found = /Publishing .* at (ws:\/\/\S+)/.exec(out)
      if (found) resolve(found[1]!)
    })
    simulator.once('exit', (code) => reject(new Error(`dve robot simulate exited (${code}): ${out}`)))
  })
}

describe.skipIf(demoAssetsMissing() !== '')('dve live', () => {
  it('records the frames asked for and says what the live map fused', async () => {
    const url = await simulatorUrl()
    const run = spawnSync(process.execPath, [dveEntry, 'live', url, '--frames', String(frames)], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`stopped: ${frames} frames recorded \\(${frames} posed\\)`))
    const session = /Recorded session: (\S+)/.exec(run.stdout)?.[1]
    expect(session).toBeDefined()
    const map = /Live map: (\d+) keyframes fused, ([\d,]+) voxels \(dve map info (\S+)\)/.exec(run.stdout)
    expect(map, run.stdout).not.toBeNull()
    // The demo walk turns ~100° every 30 frames: most windows of 10 show something new, none fuses two.
    expect(Number(map![1])).toBeGreaterThanOrEqual(3)
    expect(Number(map![1])).toBeLessThanOrEqual(frames / 10)
    expect(Number(map![2]!.replaceAll(',', ''))).toBeGreaterThan(1000)
    expect(map![3]).toBe(session)
  }, 150_000)
})
