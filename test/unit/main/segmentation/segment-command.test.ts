import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import type { CliContext } from '../../../../src-main/cli/cli-context'
import { registerSegmentCommand } from '../../../../src-main/cli/commands/segment'
import type { Services } from '../../../../src-main/services/create-services'
import { segmentationFixture } from './segmentation-fixture'

/** Runs `dve segment synthetic …` against the synthetic recording; returns what it printed. */
async function dve(...args: string[]): Promise<string[]> {
  const fixture = segmentationFixture()
  const lines: string[] = []
  // The command uses api.segmentation, api.jobs and dispose() only.
  const services = {
    api: { segmentation: fixture.service, jobs: fixture.jobs },
    dispose: async () => undefined,
  } as unknown as Services
  const ctx: CliContext = {
    services: async () => services,
    out: (line) => lines.push(line),
    json: (value) => lines.push(JSON.stringify(value)),
  }
  const program = new Command().exitOverride()
  registerSegmentCommand(program, ctx)
  await program.parseAsync(['node', 'dve', 'segment', 'synthetic', ...args])
  return lines
}

describe('dve segment', () => {
  it('writes masks for a frame range and prints classes by share', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dve-segment-'))
    const lines = await dve('--mode', 'text', '--classes', 'home', '--frames', '12:14', '--out', out)
    expect(lines[0]).toMatch(
      new RegExp(`^synthetic: 2 frames segmented with home \\(text\\) by synthetic-model in \\d+\\.\\d s → ${out}$`),
    )
    expect(lines[1]).toMatch(/^ {2}\s+3 {2}room\s+\d+\.\d %$/)
    expect(lines[2]).toMatch(/^ {2}\s+1 {2}sofa/)
    // Frames 12 and 13 show no bean bag.
    expect(lines[3]).toBe('  (1 class not seen; classes.json lists every mask value)')
    expect(existsSync(join(out, 'masks', '000013.png'))).toBe(true)
    expect(existsSync(join(out, 'masks', '000014.png'))).toBe(false)
    expect(JSON.parse(readFileSync(join(out, 'classes.json'), 'utf8'))).toMatchObject({
      sessionId: 'synthetic',
      classSetId: 'home',
      mode: 'text',
    })
  })

  it('names a bad mode', async () => {
    await expect(dve('--mode', 'guess', '--classes', 'home', '--out', '/tmp/x')).rejects.toMatchObject({
      message: '--mode "guess" is not one of text, mean, probe.',
    })
  })
})
