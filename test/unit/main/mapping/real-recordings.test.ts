/**
 * Fusion of real posed recordings from ../shared/data (imported through the recordings service into
 * a temporary home, never into the repository): plausible extent and voxel counts, and frames of the
 * same surface landing in the same voxels — far more than with the poses inverted.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { fuseFrame, defaultFusionSettings } from '../../../../src-main/services/mapping/frame-fusion'
import { VoxelGrid } from '../../../../src-main/services/mapping/voxel-grid'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { sharedData as sharedDataPrerequisite, sharedDataDir, skipReason } from '../../../helpers/prerequisites'

const repoRoot = resolve(import.meta.dirname, '../../../..')
const sharedData = sharedDataDir
const present = skipReason('real-recordings map test', [sharedDataPrerequisite()]) === ''

interface Imported {
  sessionId: string
  reader: SessionFrameReader
}

async function importShared(services: Services, name: string): Promise<Imported> {
  const { jobId } = await services.api.sessions.import({ path: join(sharedData, name) })
  const report = await services.api.sessions.importReport({ jobId })
  return { sessionId: report.sessionId, reader: new SessionFrameReader(new SessionStore(services.paths.sessions, [])) }
}

async function buildGeometryMap(services: Services, sessionId: string, voxelSizeMeters: number) {
  const { jobId } = await services.api.map.build({ sessionId, voxelSizeMeters, geometryOnly: true })
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      void services.api.jobs.list().then((jobs) => {
        const job = jobs.find((j) => j.id === jobId)
        if (!job || job.state === 'running') return
        clearInterval(timer)
        if (job.state === 'done') done()
        else fail(new Error(job.error ?? job.state))
      })
    }, 50)
  })
  return (await services.api.map.status({ sessionId })).map!
}

/** Fraction of frame b's voxels that frame a also fills (poses optionally inverted). */
async function overlap(
  imported: Imported,
  a: number,
  b: number,
  voxelSizeMeters: number,
  invert: boolean,
): Promise<number> {
  const grids = await Promise.all(
    [a, b].map(async (index) => {
      const frame = await imported.reader.loadFrame(imported.sessionId, index)
      const grid = new VoxelGrid({ voxelSizeMeters, embeddingDim: 0 })
      const pose = invert ? invertRigid(frame.worldFromCamera!) : frame.worldFromCamera!
      fuseFrame(
        grid,
        {
          frameIndex: index,
          camera: frame.camera,
          depthMeters: frame.depthMeters.data,
          rgb: frame.rgb.data,
          labels: null,
          worldFromCamera: pose,
          embeddings: null,
        },
        { ...defaultFusionSettings, maxDepthMeters: 6 },
      )
      return grid
    }),
  )
  const [first, second] = grids as [VoxelGrid, VoxelGrid]
  let shared = 0
  for (let i = 0; i < second.count; i++)
    if (first.find(second.coords[i * 3]!, second.coords[i * 3 + 1]!, second.coords[i * 3 + 2]!) >= 0) shared++
  return shared / second.count
}

function invertRigid(m: number[]): number[] {
  const r = [m[0]!, m[4]!, m[8]!, m[1]!, m[5]!, m[9]!, m[2]!, m[6]!, m[10]!]
  const t = [m[3]!, m[7]!, m[11]!]
  const ti = [0, 1, 2].map((row) => -(r[row * 3]! * t[0]! + r[row * 3 + 1]! * t[1]! + r[row * 3 + 2]! * t[2]!))
  return [r[0]!, r[1]!, r[2]!, ti[0]!, r[3]!, r[4]!, r[5]!, ti[1]!, r[6]!, r[7]!, r[8]!, ti[2]!, 0, 0, 0, 1]
}

describe.skipIf(!present)('map of real recordings', () => {
  let services: Services

  beforeAll(async () => {
    services = await createServices({
      host: 'cli',
      version: 'test',
      paths: consolePaths(mkdtempSync(join(tmpdir(), 'dve-map-real-')), repoRoot),
    })
  })
  afterAll(async () => {
    await services?.dispose()
  })

  // Expected figures from each data set's README: Redwood depth tops out at 2.7 m (a desk and a wall
  // seen from one side, a few m² of surface at 400 voxels per m²); the 7-Scenes excerpt walks 6.7 m
  // through a room. Frames a and b view the same surfaces.
  it.each([
    {
      name: 'open3d-redwood-rgbd',
      frames: 5,
      extent: [0.5, 6],
      voxels: [1_000, 50_000],
      pair: [0, 4],
      minOverlap: 0.6,
    },
    {
      name: '7scenes-tsdf-fusion',
      frames: 100,
      extent: [1, 12],
      voxels: [20_000, 1_000_000],
      pair: [0, 60],
      minOverlap: 0.4,
    },
  ])('fuses $name into a plausible map where frames $pair.0 and $pair.1 overlap', async (data) => {
    const imported = await importShared(services, data.name)
    const map = await buildGeometryMap(services, imported.sessionId, 0.05)
    expect(map.framesFused).toBe(data.frames)
    const extent = map.bounds!.maxMeters.map((max, a) => max - map.bounds!.minMeters[a]!)
    for (const e of extent) expect(e).toBeGreaterThan(data.extent[0]!)
    for (const e of extent) expect(e).toBeLessThan(data.extent[1]!)
    expect(map.voxelCount).toBeGreaterThan(data.voxels[0]!)
    expect(map.voxelCount).toBeLessThan(data.voxels[1]!)
    const [a, b] = data.pair as [number, number]
    const aligned = await overlap(imported, a, b, 0.05, false)
    const inverted = await overlap(imported, a, b, 0.05, true)
    expect(aligned).toBeGreaterThan(data.minOverlap)
    expect(aligned).toBeGreaterThan(inverted + 0.2)
  })
})
