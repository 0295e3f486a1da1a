/**
 * The live session's resident map: keyframes fused once each (the synthetic room's camera moves 0.34 m
 * and 15° every 10 frames, so each window's first frame is one), checkpoints a build resumes, the
 * engine ended.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SessionManifest } from '../../../../src-main/contract'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'
import { LocalFusion, type FusionInit } from '../../../../src-main/services/mapping/fusion-engine'
import { liveExactEmbeddingBytes, liveMapFrameStep } from '../../../../src-main/services/mapping/live-map'
import { MapService } from '../../../../src-main/services/mapping/map-service'
import { QueryScoring } from '../../../../src-main/services/query/query-scoring'
import { buildAndWait } from './map-test-kit'
import { cubeCentre, SyntheticRoom } from './synthetic-room'

const frames = 240

/** Counts what the engines do: frames fused (by index), engines started from a checkpoint, disposed. */
class EngineLog {
  fused: number[] = []
  started = 0
  restored = 0
  disposed = 0
  exactEmbeddingBytes: Array<number | undefined> = []

  start = async (init: FusionInit): Promise<LocalFusion> => {
    this.started++
    this.exactEmbeddingBytes.push(init.exactEmbeddingBytes)
    if (init.restore) this.restored++
    const engine = new LocalFusion(init)
    const fuse = engine.fuse.bind(engine)
    engine.fuse = async (frame) => {
      this.fused.push(frame.frameIndex)
      return fuse(frame)
    }
    engine.dispose = async () => void this.disposed++
    return engine
  }
}

/**
 * A map service over a live recording of the room that has `recorded.count` frames so far; `poseOf`
 * changes the poses the recording says (frames are still rendered on the circle: give the frames that
 * get fused their own pose).
 */
function liveRig(mapsRoot = mkdtempSync(join(tmpdir(), 'dve-live-map-')), poseOf?: (i: number) => number[] | null) {
  const world = new SyntheticRoom(frames)
  const circle = world.manifest()
  const full = poseOf
    ? { ...circle, frames: circle.frames.map((f, i) => ({ ...f, worldFromCamera: poseOf(i) })) }
    : circle
  const recorded = { count: 0 }
  const manifest = async (): Promise<SessionManifest> => ({ ...full, frames: full.frames.slice(0, recorded.count) })
  const jobs = new JobRunner(new EventBus())
  const events = new EventBus()
  const mapEvents: string[] = []
  events.subscribe((name, payload) => name === 'changed' && mapEvents.push((payload as { service: string }).service))
  const engines = new EngineLog()
  const service = new MapService({
    frames: world,
    embeddings: world,
    manifest,
    jobs,
    scoring: new QueryScoring({ embeddings: world, vocabulary: null, packs: null }),
    events,
    mapsRoot,
    allowFileExport: true,
    startEngine: engines.start,
  })
  return { service, jobs, mapsRoot, recorded, engines, mapEvents }
}

/** The room's map as saved, read by a console started afresh on the same maps folder. */
async function savedMap(mapsRoot: string) {
  return (await liveRig(mapsRoot).service.status({ sessionId: 'room' })).map!
}

/** The saved map is complete and holds `framesFused` frames. */
async function expectSavedComplete(mapsRoot: string, framesFused: number): Promise<void> {
  const map = await savedMap(mapsRoot)
  expect(map.complete).toBe(true)
  expect(map.framesFused).toBe(framesFused)
}

const every = (from: number, to: number): number[] =>
  Array.from({ length: Math.ceil((to - from) / liveMapFrameStep) }, (_, i) => from + i * liveMapFrameStep)

describe('live map', () => {
  it('fuses each new frame once into one resident engine and shows the map after every step', async () => {
    const rig = liveRig()
    for (const count of [50, 50, 130, 131, frames]) {
      rig.recorded.count = count
      await rig.service.growLive('room')
    }
    // A window of frames is fused once the next one is recorded too: the last waits for the link's end.
    expect(rig.engines.fused).toEqual(every(0, frames - liveMapFrameStep))
    expect(rig.engines.started).toBe(1)
    expect(rig.engines.disposed).toBe(0)
    // The view is told after each step that fused frames (at 50, 130 and 240; the first saved a checkpoint).
    expect(rig.mapEvents.filter((s) => s === 'map').length).toBe(3)
    const shown = (await rig.service.status({ sessionId: 'room' })).map!
    expect(shown.framesFused).toBe(frames / liveMapFrameStep - 1)
    await expect(rig.service.build({ sessionId: 'room', frameStep: liveMapFrameStep })).rejects.toThrow(/live/)
    // Between checkpoints the view shows geometry; queries answer from the last checkpoint, padded to the view.
    const drawn = (await rig.service.current('room'))!
    expect(drawn.hasEmbeddings).toBe(false)
    const result = await rig.service.query({ sessionId: 'room', text: 'box' })
    expect(rig.service.arrayBytes(result.relevancyPath.split('/').pop()!).length).toBe(drawn.map.count)
    expect(Math.hypot(...result.pins[0]!.worldPoint.map((v, a) => v - cubeCentre[a]!))).toBeLessThan(0.4)
  })

  it('fuses of each window the embedded frame newest to the map, else the first, and skips a window it has seen', async () => {
    const rig = liveRig()
    rig.recorded.count = 70
    await rig.service.growLive('room', [5, 17, 44])
    rig.recorded.count = 130
    await rig.service.growLive('room', [95, 100, 119, 125])
    rig.recorded.count = 150
    await rig.service.endLive('room', [149])
    // Skipped, each within 0.3 m and 20° of a keyframe: 20 (3 frames after 17), 50 (6 after 44), 100 (5
    // after 95), 125 (6 after 119).
    expect(rig.engines.fused).toEqual([5, 17, 30, 44, 60, 70, 80, 95, 119, 130, 149])
    await expectSavedComplete(rig.mapsRoot, 11)
  })

  it('fuses nothing more while the robot stands still or drives its route again, and saves what it fused', async () => {
    // Drives a quarter of the circle (frames 0–59), stands at frame 55's pose (60–119), then drives the
    // quarter twice more (120–239).
    const room = new SyntheticRoom(frames)
    const rig = liveRig(undefined, (i) => room.pose(i < 60 ? i : i < 120 ? 55 : (i - 120) % 60))
    rig.recorded.count = 100
    await rig.service.growLive('room')
    expect(rig.engines.fused).toEqual([0, 10, 20, 30, 40, 50])
    rig.recorded.count = frames
    await rig.service.endLive('room')
    expect(rig.engines.fused).toEqual([0, 10, 20, 30, 40, 50])
    await expectSavedComplete(rig.mapsRoot, 6)
  })

  it('makes the map of a link that ended before its first step', async () => {
    const rig = liveRig()
    rig.recorded.count = 25
    await rig.service.endLive('room', [3, 14])
    // 20, the last window's first frame, is 6 frames (0.2 m, 9°) from 14: nothing new.
    expect(rig.engines.fused).toEqual([3, 14])
    expect(rig.engines.disposed).toBe(1)
    await expectSavedComplete(rig.mapsRoot, 2)
  })

  it('ends the engine with the link, saving the complete map, and on delete without saving', async () => {
    const rig = liveRig()
    rig.recorded.count = 100
    await rig.service.growLive('room')
    rig.recorded.count = frames
    await rig.service.endLive('room')
    expect(rig.engines.disposed).toBe(1)
    // The frames recorded after the last step are fused when the link ends.
    expect(rig.engines.fused).toEqual(every(0, frames))
    const saved = liveRig(rig.mapsRoot)
    const map = (await saved.service.status({ sessionId: 'room' })).map!
    expect(map.complete).toBe(true)
    expect(map.framesFused).toBe(frames / liveMapFrameStep)
    const pin = (await saved.service.query({ sessionId: 'room', text: 'box' })).pins[0]!
    expect(Math.hypot(...pin.worldPoint.map((v, a) => v - cubeCentre[a]!))).toBeLessThan(0.4)

    const deleted = liveRig()
    deleted.recorded.count = 100
    await deleted.service.growLive('room')
    await deleted.service.delete({ sessionId: 'room' })
    expect(deleted.engines.disposed).toBe(1)
    expect((await deleted.service.status({ sessionId: 'room' })).map).toBeNull()
  })

  it('after a crash opens from its last checkpoint, and a resumed build ends as one continuous build', async () => {
    const crashed = liveRig()
    crashed.recorded.count = 100
    await crashed.service.growLive('room') // the first step saves a checkpoint at once
    crashed.recorded.count = 160
    await crashed.service.growLive('room') // shown, not saved yet
    expect(crashed.engines.fused).toEqual(every(0, 150))

    const reopened = liveRig(crashed.mapsRoot)
    reopened.recorded.count = frames
    const checkpoint = (await reopened.service.status({ sessionId: 'room' })).map!
    expect(checkpoint.framesFused).toBe(every(0, 90).length)
    expect(checkpoint.complete).toBe(false)
    await buildAndWait(reopened, { sessionId: 'room', frameStep: liveMapFrameStep, resume: true })
    expect(reopened.engines.restored).toBe(1)
    expect(reopened.engines.fused).toEqual(every(90, frames))

    const continuous = liveRig()
    continuous.recorded.count = frames
    await buildAndWait(continuous, { sessionId: 'room', frameStep: liveMapFrameStep })
    // The live map keeps exact sums for its first voxels only; the builds keep the accumulator's budget.
    expect(crashed.engines.exactEmbeddingBytes).toEqual([liveExactEmbeddingBytes])
    expect([...reopened.engines.exactEmbeddingBytes, ...continuous.engines.exactEmbeddingBytes]).toEqual([
      undefined,
      undefined,
    ])
    const [resumed, whole] = await Promise.all([reopened.service.current('room'), continuous.service.current('room')])
    expect(resumed!.map.meta.trajectory.frameIndices).toEqual(whole!.map.meta.trajectory.frameIndices)
    expect(resumed!.map.count).toBe(whole!.map.count)
    expect([...resumed!.map.voxelCoords]).toEqual([...whole!.map.voxelCoords])
    expect([...resumed!.map.pointCounts]).toEqual([...whole!.map.pointCounts])
    for (let i = 0; i < whole!.map.positions.length; i++)
      expect(resumed!.map.positions[i]).toBeCloseTo(whole!.map.positions[i]!, 4)
  })

  it('honours the exact-sum budget in the engine: past 32 MiB of 256-d sums the grid keeps them in a subspace', () => {
    const engine = new LocalFusion({
      voxelSizeMeters: 0.05,
      maxDepthMeters: 6,
      embeddingDim: 256,
      exactEmbeddingBytes: liveExactEmbeddingBytes,
      restore: null,
    })
    expect(engine.grid.embeddings.exactTooBig(32_768)).toBe(false)
    expect(engine.grid.embeddings.exactTooBig(32_769)).toBe(true)
  })
})
