import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import type { EvaluationReport } from '../../../../src-main/contract'
import type { CliContext } from '../../../../src-main/cli/cli-context'
import { registerClassesCommand } from '../../../../src-main/cli/commands/classes'
import { registerEvalCommand } from '../../../../src-main/cli/commands/eval'
import type { Services } from '../../../../src-main/services/create-services'
import { setup, twoClasses } from './classes-fixture'

/** Runs `dve <args>` against the fake classes service; returns what it printed. */
async function dve(fixture: ReturnType<typeof setup>, ...args: string[]): Promise<string[]> {
  const lines: string[] = []
  const services = {
    api: { classes: fixture.service, jobs: fixture.jobs },
    dispose: async () => undefined,
  } as unknown as Services
  const ctx: CliContext = {
    services: async () => services,
    out: (line) => lines.push(line),
    json: (value) => lines.push(JSON.stringify(value)),
  }
  const program = new Command().exitOverride()
  registerClassesCommand(program, ctx)
  registerEvalCommand(program, ctx)
  await program.parseAsync(['node', 'dve', ...args])
  return lines
}

describe('dve classes and dve eval', () => {
  it('creates a set, trains its probe on labels and evaluates every mode in a paper-style table', async () => {
    const fixture = setup()
    expect(await dve(fixture, 'classes', 'create', 'Room', '--class', 'chair', 'table')).toEqual(['created user-room'])
    await fixture.service.saveLabels({
      sessionId: 's',
      classSetId: 'user-room',
      frameIndex: 0,
      width: 8,
      height: 6,
      runs: [0, 2, 1, 6, 2, 2],
    })
    const trained = await dve(fixture, 'classes', 'train', 'user-room', '--epochs', '3')
    expect(trained[0]).toMatch(
      /^probe: ready, 2 train \/ 0 held-out pixels, held-out accuracy n\/a, loss [\d.]+ → [\d.]+ → [\d.]+, \d+\.\d s$/,
    )
    expect(trained[1]).toMatch(/^ {2}chair\s+1 px {2}confidence —$/)

    const table = await dve(fixture, 'eval', 's', '--classes', 'user-room')
    expect(table[0]).toMatch(/^s: 2 frames, class set user-room, model fake \(\d+\.\d s\)$/)
    expect(table[1]).toMatch(/^class\s+GT pixels\s+text\s+probe$/)
    expect(table[2]).toMatch(/^chair\s+48\s+100\.0\s+100\.0$/)
    expect(table.find((l) => l.startsWith('mIoU'))).toMatch(/^mIoU \(2 classes\)\s+100\.0\s+100\.0$/)
    expect(table.find((l) => l.startsWith('frequency-weighted IoU'))).toMatch(/\s+100\.0\s+100\.0$/)
    expect(table).toContain('averaged: chair, table')

    const json = JSON.parse(
      (await dve(fixture, 'eval', 's', '--classes', 'user-room', '--mode', 'text', '--json')).join('\n'),
    ) as EvaluationReport
    expect(json.averagedClasses).toEqual(['chair', 'table'])
    expect(json.modes[0]).toMatchObject({ mode: 'text', miou: 1, frequencyWeightedIou: 1, pixelAccuracy: 1 })
    expect(json.modes[0]?.perFrame.map((f) => f.frameIndex)).toEqual([0, 1])
    const [chairRight, chairAsTable, tableAsChair, tableRight] = json.modes[0]?.confusion ?? []
    expect([chairRight, chairAsTable, tableAsChair]).toEqual([48, 0, 0])
    expect(tableRight).toBeGreaterThan(0)
    expect(table).toContain(
      'skipped mean: Class set "Room" has no visual means yet: compute visual means from labels first (Classes view or `dve classes`).',
    )
  })

  it('lists built-in sets as read-only and names a bad mode', async () => {
    const fixture = setup()
    await fixture.service.create({ name: 'Mine', classes: twoClasses })
    const listed = await dve(fixture, 'classes', 'list')
    expect(listed[0]).toMatch(/^nyuv2-40\s+NYUv2-40\s+40 classes {2}builtin \(read-only\) {2}modes: text$/)
    expect(listed.at(-1)).toMatch(/^user-mine\s+Mine\s+2 classes {2}user {2}modes: text$/)
    await expect(dve(fixture, 'eval', 's', '--classes', 'user-mine', '--mode', 'best')).rejects.toMatchObject({
      message: '--mode "best" is not one of text, mean, probe, all.',
    })
  })
})
