import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ConsoleEvents } from '../../../../src-main/contract'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { consoleErrorOf, makeLibrary, writeSession } from './session-fixture'
import { sharedData as sharedDataPrerequisite, sharedDataDir, skipReason } from '../../../helpers/prerequisites'

const sharedData = sharedDataDir
/** 5 ICL-NUIM frames with a TUM-style pose list; 100 7-Scenes frames (long enough to cancel). */
const iclNuim = join(sharedData, 'slambook2-icl-nuim')
const sevenScenes = join(sharedData, '7scenes-tsdf-fusion')
const hasData =
  skipReason('sessions service import tests', [
    sharedDataPrerequisite('slambook2-icl-nuim'),
    sharedDataPrerequisite('7scenes-tsdf-fusion'),
  ]) === ''

let services: Services | null = null
afterEach(async () => {
  await services?.dispose()
  services = null
})

async function start(host: 'cli' | 'browser' = 'cli') {
  const root = makeLibrary()
  const paths = { ...consolePaths(join(root, 'home'), root), resources: join(root, 'resources') }
  await writeSession(join(paths.resources, 'demo-recording'), { id: 'demo-apartment', frames: 2, labels: true })
  await writeSession(join(paths.sessions, 'hall-1'), { id: 'hall-1', frames: 3, posed: false })
  services = await createServices({ host, version: 'test', paths })
  const changes: Array<ConsoleEvents['changed']> = []
  services.events.subscribe((name, payload) => {
    if (name === 'changed') changes.push(payload as ConsoleEvents['changed'])
  })
  return { services, paths, changes, api: services.api.sessions }
}

describe('sessions service', () => {
  it('lists summaries with the demo first, and details with the manifest', async () => {
    const { api } = await start()
    const list = await api.list()
    expect(list.map((s) => s.id)).toEqual(['demo-apartment', 'hall-1'])
    const hall = list[1]!
    expect(hall).toMatchObject({
      frameCount: 3,
      width: 32,
      height: 24,
      hasPoses: false,
      posedFrameCount: 0,
      readOnly: false,
      hasLabels: false,
    })
    expect(hall.durationSec).toBeCloseTo(0.2)
    expect(hall.sizeBytes).toBeGreaterThan(1000)
    expect(list[0]).toMatchObject({ readOnly: true, hasLabels: true })
    const detail = await api.get({ id: 'hall-1' })
    expect(detail.manifest.frames).toHaveLength(3)
    expect(detail.report).toBeNull()
    expect((await api.frame({ id: 'hall-1', index: 2 })).sourceName).toBe('src-2')
  })

  it('renames and deletes with change events; the demo refuses both', async () => {
    const { api, paths, changes } = await start()
    expect((await api.rename({ id: 'hall-1', name: '  Hallway  ' })).name).toBe('Hallway')
    await api.delete({ id: 'hall-1' })
    expect(existsSync(join(paths.sessions, 'hall-1'))).toBe(false)
    // Deleting also drops the session's map, which says so.
    expect(changes).toEqual([
      { service: 'sessions', id: 'hall-1' },
      { service: 'map', id: 'hall-1' },
      { service: 'sessions', id: 'hall-1' },
    ])
    const refused = await consoleErrorOf(api.delete({ id: 'demo-apartment' }))
    expect(refused.code).toBe('unsupported')
  })

  it('keeps browser-mode imports inside the allowed roots', async () => {
    const { api } = await start('browser')
    const error = await consoleErrorOf(api.detect({ path: '/etc' }))
    expect(error.message).toContain('outside the folders')
  })

  it.skipIf(!hasData)('imports a real recording as a job and returns its report', async () => {
    const { api, services: s, paths } = await start()
    const detected = await api.detect({ path: iclNuim })
    expect(detected[0]?.format).toBe('tum')
    const { jobId } = await api.import({ path: iclNuim, options: { name: 'ICL test' } })
    const report = await api.importReport({ jobId })
    expect(report.imported).toBe(5)
    const jobs = await s.api.jobs.list()
    expect(jobs.find((j) => j.id === jobId)?.state).toBe('done')
    const summary = (await api.list()).find((x) => x.id === report.sessionId)
    expect(summary).toMatchObject({
      name: 'ICL test',
      frameCount: 5,
      sourceFormat: 'tum',
      hasPoses: true,
      width: 640,
      height: 480,
    })
    // No intrinsics file in this source: the importer assumes them and the summary says so.
    expect(summary?.hasIntrinsics).toBe(!report.intrinsicsAssumed)
    const stats = await api.stats({ id: report.sessionId })
    // The README: depth = value / 5000, range about 0.7–4.3 m.
    expect(stats.depthRangeMeters?.min).toBeGreaterThan(0.5)
    expect(stats.depthRangeMeters?.max).toBeLessThan(4.6)
    expect((await api.get({ id: report.sessionId })).report?.imported).toBe(5)
    expect(readdirSync(paths.sessions).filter((name) => name.startsWith('.importing-'))).toEqual([])
  })

  it.skipIf(!hasData)('cancels an import and leaves nothing behind', async () => {
    const { api, services: s, paths } = await start()
    const { jobId } = await api.import({ path: sevenScenes })
    await s.api.jobs.cancel({ id: jobId })
    const error = await consoleErrorOf(api.importReport({ jobId }))
    expect(error.code).toBe('cancelled')
    expect(readdirSync(paths.sessions).sort()).toEqual(['hall-1'])
  })
})
