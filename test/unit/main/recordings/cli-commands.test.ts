import { Command } from 'commander'
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { ImportReport, SessionSummary } from '../../../../src-main/contract'
import type { CliContext } from '../../../../src-main/cli/cli-context'
import { importOptions, registerImportCommand } from '../../../../src-main/cli/commands/import'
import { registerInfoCommand } from '../../../../src-main/cli/commands/info'
import { registerSessionsCommand } from '../../../../src-main/cli/commands/sessions'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { makeLibrary, writeSession } from './session-fixture'
import { sharedData, sharedDataDir, skipReason } from '../../../helpers/prerequisites'

const iclNuim = join(sharedDataDir, 'slambook2-icl-nuim')
const hasData = skipReason('dve import test', [sharedData('slambook2-icl-nuim')]) === ''

const opened: Services[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.dispose()
})

/** Runs one `dve …` command in-process on a temporary library; returns what it printed. */
async function dve(...args: string[]): Promise<{ lines: string[]; json: unknown[] }> {
  const root = makeLibrary()
  const paths = { ...consolePaths(join(root, 'home'), root), resources: join(root, 'resources') }
  await writeSession(join(paths.sessions, 'hall-1'), { id: 'hall-1', frames: 3 })
  const lines: string[] = []
  const json: unknown[] = []
  const ctx: CliContext = {
    services: async () => {
      const services = await createServices({ host: 'cli', version: 'test', paths })
      opened.push(services)
      return services
    },
    out: (line) => lines.push(line),
    json: (value) => json.push(value),
  }
  const program = new Command().exitOverride()
  registerImportCommand(program, ctx)
  registerSessionsCommand(program, ctx)
  registerInfoCommand(program, ctx)
  await program.parseAsync(['node', 'dve', ...args])
  return { lines, json }
}

describe('dve sessions / info / import', () => {
  it('lists sessions as a table and as JSON', async () => {
    const table = await dve('sessions')
    expect(table.lines[0]).toMatch(/^ID\s+NAME\s+FORMAT\s+FRAMES\s+DURATION\s+SIZE\s+POSES\s+DISK/)
    expect(table.lines[1]).toMatch(/^hall-1\s+Fixture hall-1\s+generic\s+3\s+0\.2 s\s+32×24\s+yes\s+\d+\.\d MB/)
    const { json } = await dve('sessions', '--json')
    expect((json[0] as SessionSummary[]).map((s) => s.id)).toEqual(['hall-1'])
  })

  it('prints frames, resolution, depth range, pose coverage and intrinsics', async () => {
    const { lines } = await dve('info', 'hall-1')
    const text = lines.join('\n')
    expect(text).toContain('frames       3 over 0.2 s')
    expect(text).toContain('resolution   depth 32×24, rgb 32×24')
    // Fixture depth: 500 + 100 f + 10 x + y mm over frames 0..2 (0 and 65535 are holes).
    expect(text).toMatch(/depth range {2}0\.501–1\.033 m/)
    expect(text).toContain('poses        3/3 frames (100 %)')
    expect(text).toContain('intrinsics   fx 30 fy 30 cx 15.5 cy 11.5')
    const { json } = await dve('info', 'hall-1', '--json')
    expect(json[0]).toMatchObject({ summary: { id: 'hall-1' }, camera: { fx: 30 }, stats: { poseCoverage: 1 } })
  })

  it('shows the active model and the execution providers with --model, and asks for one or the other', async () => {
    const { lines } = await dve('info', '--model')
    // The temporary library has no model packs; the provider order is the default.
    expect(lines[0]).toBe('No active model pack.')
    expect(lines[1]).toMatch(/^Execution providers: order tensorrt → cuda → cpu; active /)
    const { json } = await dve('info', '--model', '--json')
    expect(json[0]).toMatchObject({ model: null, providers: { order: ['tensorrt', 'cuda', 'cpu'] } })
    await expect(dve('info')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('give a session id'),
    })
  })

  it('says which session is missing', async () => {
    await expect(dve('info', 'nope')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('No session "nope"'),
    })
  })

  it.skipIf(!hasData)('imports a recording and prints the report', async () => {
    const { lines } = await dve(
      'import',
      iclNuim,
      '--name',
      'ICL',
      '--fx',
      '481.2',
      '--fy',
      '480',
      '--cx',
      '319.5',
      '--cy',
      '239.5',
    )
    expect(lines[0]).toMatch(/^Imported 5 frames from .*slambook2-icl-nuim \(tum\) as "ICL" \[icl-[0-9a-f]+\]/)
    expect(lines.join('\n')).not.toContain('intrinsics ASSUMED')
    const { json } = await dve('import', iclNuim, '--depth-scale', '5000', '--json')
    expect((json[0] as ImportReport).depthUnitMeters).toBeCloseTo(1 / 5000, 12)
  })

  it('turns flags into import options and refuses half-given ones', () => {
    expect(
      importOptions({
        format: 'tum',
        name: 'x',
        depthScale: '1000',
        fx: '1',
        fy: '2',
        cx: '3',
        cy: '4',
        poseFile: 'pose.txt',
      }),
    ).toEqual({
      format: 'tum',
      name: 'x',
      depthUnitMeters: 0.001,
      intrinsics: { fx: 1, fy: 2, cx: 3, cy: 4 },
      poseFile: 'pose.txt',
    })
    expect(importOptions({ depthUnit: '0.0002' })).toEqual({ depthUnitMeters: 0.0002 })
    expect(() => importOptions({ fx: '1' })).toThrow('Intrinsics need all of --fx --fy --cx --cy.')
    expect(() => importOptions({ depthScale: '1000', depthUnit: '0.001' })).toThrow('not both')
    expect(() => importOptions({ depthScale: 'mm' })).toThrow('--depth-scale "mm" is not a number.')
    expect(
      importOptions({ invalidDepth: '0, 65535', maxDt: '0.05', pgmByteOrder: 'little', depthTopic: '/camera/depth' }),
    ).toEqual({
      depthInvalidValues: [0, 65535],
      maxTimeDifferenceSec: 0.05,
      pgmByteOrder: 'little',
      mcap: { depthTopic: '/camera/depth' },
    })
    expect(() => importOptions({ invalidDepth: '70000' })).toThrow(/dve import: .*depthInvalidValues/s)
  })
})
