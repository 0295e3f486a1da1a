import { Command } from 'commander'
import { afterAll, describe, expect, it } from 'vitest'
import type { SessionSearchResult } from '../../../../src-main/contract'
import type { CliContext } from '../../../../src-main/cli/cli-context'
import { registerQueryCommand } from '../../../../src-main/cli/commands/query'
import type { Services } from '../../../../src-main/services/create-services'
import { queryFixture, removeFixtureHomes } from './synthetic-session'

/** Runs `dve query …` against the synthetic recording; returns what it printed. */
async function dve(...args: string[]): Promise<{ lines: string[]; json: unknown[] }> {
  const fixture = queryFixture()
  const lines: string[] = []
  const json: unknown[] = []
  // The command only uses api.query and dispose(); the rest of Services is not needed here.
  const services = { api: { query: fixture.service }, dispose: async () => undefined } as unknown as Services
  const ctx: CliContext = {
    services: async () => services,
    out: (line) => lines.push(line),
    json: (value) => json.push(value),
  }
  const program = new Command().exitOverride()
  registerQueryCommand(program, ctx)
  await program.parseAsync(['node', 'dve', 'query', 'synthetic', ...args])
  return { lines, json }
}

afterAll(removeFixtureHomes)

describe('dve query', () => {
  it('prints the record, the plain answer and the top moments', async () => {
    const { lines } = await dve('where is the bean bag?', '--top', '3')
    expect(lines[0]).toMatch(
      /^"bean bag" in synthetic — model synthetic-model, prompt "a detailed photo of a \{\}", negatives object, things, stuff, texture, threshold 0\.60 \(pack\)$/,
    )
    expect(lines[1]).toMatch(
      /^The bean bag was last seen at 00:1\d into the recording\. Seen twice in this recording\.$/,
    )
    expect(lines.filter((l) => /^ {2}\s?\d\. \d\d:\d\d {2}frame /.test(l))).toHaveLength(3)
  })

  it('passes threshold and negatives through and prints JSON', async () => {
    const { json } = await dve('sofa', '--threshold', '0.7', '--negatives', 'object, chair', '--json')
    const result = json[0] as SessionSearchResult
    expect(result.record).toMatchObject({ threshold: 0.7, thresholdMode: 'fixed', negatives: ['object', 'chair'] })
    expect(result.relevancyByFrame).toHaveLength(80)
  })

  it('refuses a threshold that is not a number, naming the flag', async () => {
    await expect(dve('sofa', '--threshold', 'high')).rejects.toMatchObject({
      code: 'invalid_input',
      message: '--threshold: "high" is not a number.',
    })
  })
})
