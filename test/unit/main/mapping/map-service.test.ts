import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConsoleError, decodeMapPoints } from '../../../../src-main/contract'
import { buildAndWait, mapFixture } from './map-test-kit'
import type { ClassHeadProvider } from '../../../../src-main/services/ports'
import { QueryScoring } from '../../../../src-main/services/query/query-scoring'
import { classVector, cube, cubeCentre, labelClasses, poseOf, SyntheticRoom } from './synthetic-room'

const frames = 24

function distance(a: number[], b: number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
}

describe('map service on the synthetic room', () => {
  it('builds a map whose extent is the room and whose voxels lie on its surfaces', async () => {
    const world = new SyntheticRoom(frames)
    const fixture = mapFixture(world, world, world.manifest())
    await buildAndWait(fixture, { sessionId: 'room', voxelSizeMeters: 0.1 })
    const status = await fixture.service.status({ sessionId: 'room' })
    const map = status.map!
    expect(map.complete).toBe(true)
    expect(map.framesFused).toBe(frames)
    expect(map.embeddingDim).toBe(16)
    // Seen from inside, the walls bound the map: within a voxel of the room's 4 × 3 × 2.5 m.
    for (let a = 0; a < 3; a++) {
      expect(map.bounds!.minMeters[a]!).toBeGreaterThan(-0.1)
      expect(map.bounds!.maxMeters[a]!).toBeLessThan([4, 3, 2.5][a]! + 0.1)
    }
    const loaded = (await fixture.service.current('room'))!
    let offSurface = 0
    for (let i = 0; i < loaded.map.count; i++) {
      const p = [loaded.map.positions[i * 3]!, loaded.map.positions[i * 3 + 1]!, loaded.map.positions[i * 3 + 2]!]
      const toRoom = Math.min(p[0]!, 4 - p[0]!, p[1]!, 3 - p[1]!, p[2]!, 2.5 - p[2]!)
      const inCube = p.every((v, a) => v > cube.min[a]! - 0.06 && v < cube.max[a]! + 0.06)
      if (toRoom > 0.06 && !inCube) offSurface++
    }
    expect(offSurface / loaded.map.count).toBeLessThan(0.01)
  })

  it('answers a text query with the cube highest and a pin on it named by its labels', async () => {
    const world = new SyntheticRoom(frames)
    const fixture = mapFixture(world, world, world.manifest())
    await buildAndWait(fixture, { sessionId: 'room', voxelSizeMeters: 0.1 })
    const result = await fixture.service.query({ sessionId: 'room', text: 'where is the box?' })
    expect(result.label).toBe('box')
    expect(result.pins.length).toBeGreaterThan(0)
    const pin = result.pins[0]!
    expect(pin.nearLabel).toBe('box')
    expect(distance(pin.worldPoint, cubeCentre)).toBeLessThan(0.4)
    const relevancy = fixture.service.arrayBytes(result.relevancyPath.split('/').pop()!)
    const loaded = (await fixture.service.current('room'))!
    let cubeSum = 0,
      cubeN = 0,
      restSum = 0,
      restN = 0
    for (let i = 0; i < loaded.map.count; i++) {
      if (loaded.map.labels[i] === 3) {
        cubeSum += relevancy[i]!
        cubeN++
      } else {
        restSum += relevancy[i]!
        restN++
      }
    }
    expect(cubeSum / cubeN).toBeGreaterThan(restSum / restN + 60)
    // The port Ask uses, given the same prepared query, gives the same pin; a query below the threshold everywhere gives none.
    const scoring = new QueryScoring({ embeddings: world, vocabulary: null, packs: null })
    const hit = await fixture.service.queryMap('room', await scoring.prepareText('where is the box?'))
    expect(hit).toMatchObject({ worldPoint: pin.worldPoint, nearLabel: 'box', voxelCount: pin.voxelCount })
    expect(await fixture.service.queryMap('room', await scoring.prepareText('box', { threshold: 1 }))).toBeNull()
  })

  it('colours voxels by a class set: each voxel takes the class whose head row matches its embedding', async () => {
    const world = new SyntheticRoom(frames)
    const heads: ClassHeadProvider = {
      classHead: async (classSetId, mode) => ({
        classSetId,
        mode,
        names: ['floor', 'wall', 'box'],
        colors: [
          [1, 1, 1],
          [2, 2, 2],
          [3, 3, 3],
        ],
        weights: [classVector(1), classVector(2), classVector(3)],
        bias: null,
      }),
    }
    const fixture = mapFixture(world, world, world.manifest(), undefined, heads)
    await buildAndWait(fixture, { sessionId: 'room', voxelSizeMeters: 0.1 })
    const result = await fixture.service.classColors({ sessionId: 'room', classSetId: 'demo', mode: 'text' })
    const index = new Uint16Array(fixture.service.arrayBytes(result.classesPath.split('/').pop()!).slice().buffer)
    const loaded = (await fixture.service.current('room'))!
    let agree = 0
    for (let i = 0; i < loaded.map.count; i++) if (labelClasses[index[i]! + 1]!.id === loaded.map.labels[i]) agree++
    // Voxels on a boundary mix two classes; nearly all others agree with their fused label.
    expect(agree / loaded.map.count).toBeGreaterThan(0.9)
    expect(result.counts.reduce((a, b) => a + b, 0)).toBe(loaded.map.count)
    expect(result.counts[2]).toBeGreaterThan(10)
  })

  it("lists the frames that saw a voxel and finds a pixel's world point", async () => {
    const world = new SyntheticRoom(frames)
    const fixture = mapFixture(world, world, world.manifest())
    await buildAndWait(fixture, { sessionId: 'room', voxelSizeMeters: 0.1, geometryOnly: true })
    const { worldPoint } = await fixture.service.pixelToWorld({
      sessionId: 'room',
      frameIndex: 3,
      xNorm: 0.5,
      yNorm: 0.5,
    })
    // Every camera looks at the cube's centre: the centre pixel hits the cube's surface.
    expect(distance(worldPoint!, cubeCentre)).toBeLessThan(0.45)
    const loaded = (await fixture.service.current('room'))!
    let nearest = 0
    for (let i = 1; i < loaded.map.count; i++) {
      const p = (k: number) => [
        loaded.map.positions[k * 3]!,
        loaded.map.positions[k * 3 + 1]!,
        loaded.map.positions[k * 3 + 2]!,
      ]
      if (distance(p(i), worldPoint!) < distance(p(nearest), worldPoint!)) nearest = i
    }
    const detail = await fixture.service.voxel({ sessionId: 'room', voxelIndex: nearest })
    expect(detail.observations.map((o) => o.frameIndex)).toContain(detail.observations[0]!.frameIndex)
    expect(detail.observedByFrames).toBeGreaterThan(4)
    expect(detail.observations.length).toBe(4)
    expect(detail.label).toBe('box')
    expect(await fixture.service.query({ sessionId: 'room', text: 'box' }).catch((e: ConsoleError) => e.code)).toBe(
      'unsupported',
    )
    // One frame as points in its camera frame: the centre pixel's depth is the distance to the cube.
    const single = decodeMapPoints((await fixture.service.framePointsPayload('room', 3)).slice().buffer)
    const eye = poseOf(3, frames)
    // Depth of the centre pixel = the world point under it, along the camera's forward axis.
    const depthToCube = [0, 1, 2].reduce((sum, a) => sum + eye[a * 4 + 2]! * (worldPoint![a]! - eye[a * 4 + 3]!), 0)
    let nearestZ = Infinity,
      nearestR = Infinity
    for (let i = 0; i < single.count; i++) {
      const r = Math.hypot(single.positions[i * 3]!, single.positions[i * 3 + 1]!)
      if (r < nearestR) {
        nearestR = r
        nearestZ = single.positions[i * 3 + 2]!
      }
    }
    expect(Math.abs(nearestZ - depthToCube)).toBeLessThan(0.02)
  })

  it('continues an interrupted build to the same map as an uninterrupted one', async () => {
    const world = new SyntheticRoom(frames)
    const full = mapFixture(world, world, world.manifest())
    await buildAndWait(full, { sessionId: 'room', voxelSizeMeters: 0.1 })
    const expected = (await full.service.status({ sessionId: 'room' })).map!

    // A reader that fails at frame 15: the build stops with its checkpoint saved.
    const failing = new SyntheticRoom(frames)
    const original = failing.loadFrame.bind(failing)
    let fail = true
    failing.loadFrame = async (id, index) => {
      if (fail && index === 15) throw new Error('disk unplugged')
      return original(id, index)
    }
    const partial = mapFixture(failing, failing, failing.manifest())
    await expect(buildAndWait(partial, { sessionId: 'room', voxelSizeMeters: 0.1 })).rejects.toThrow('disk unplugged')
    const interrupted = (await partial.service.status({ sessionId: 'room' })).map!
    expect(interrupted.complete).toBe(false)
    expect(interrupted.framesFused).toBe(15)
    fail = false
    const resumed = mapFixture(failing, failing, failing.manifest(), partial.mapsRoot)
    await buildAndWait(resumed, { sessionId: 'room', voxelSizeMeters: 0.1 })
    const map = (await resumed.service.status({ sessionId: 'room' })).map!
    expect(map.complete).toBe(true)
    expect(map.framesFused).toBe(frames)
    expect(map.voxelCount).toBe(expected.voxelCount)
    const result = await resumed.service.query({ sessionId: 'room', text: 'box' })
    expect(distance(result.pins[0]!.worldPoint, cubeCentre)).toBeLessThan(0.4)
  })

  it('reports a damaged saved map in the status and builds over it', async () => {
    const world = new SyntheticRoom(frames)
    const first = mapFixture(world, world, world.manifest())
    await buildAndWait(first, { sessionId: 'room', voxelSizeMeters: 0.1, geometryOnly: true })
    const bin = join(first.mapsRoot, 'room', 'geometry', 'map.bin')
    writeFileSync(bin, readFileSync(bin).subarray(0, 64))
    const fresh = mapFixture(world, world, world.manifest(), first.mapsRoot)
    const status = await fresh.service.status({ sessionId: 'room' })
    expect(status.map).toBeNull()
    expect(status.problem).toMatch(/map\.bin: 64 bytes.*Build the map again/)
    await buildAndWait(fresh, { sessionId: 'room', voxelSizeMeters: 0.1, geometryOnly: true })
    const rebuilt = await fresh.service.status({ sessionId: 'room' })
    expect(rebuilt.problem).toBeNull()
    expect(rebuilt.map!.complete).toBe(true)
  })

  it('says what is wrong with bad poses, no poses and depth in the wrong unit', async () => {
    const nanPose = poseOf(2, frames).map((v, i) => (i === 3 ? Number.NaN : v))
    const scaled = poseOf(3, frames).map((v, i) => (i === 0 ? v * 2 : v))
    const world = new SyntheticRoom(frames, [poseOf(0, frames), poseOf(1, frames), nanPose, scaled])
    const fixture = mapFixture(world, world, world.manifest())
    await buildAndWait(fixture, { sessionId: 'room', voxelSizeMeters: 0.1, geometryOnly: true })
    const map = (await fixture.service.status({ sessionId: 'room' })).map!
    expect(map.framesFused).toBe(frames - 2)
    expect(map.warnings.join(' ')).toMatch(
      /2 frame\(s\) skipped.*frame 2: pose contains NaN.*frame 3: rotation is not rigid/,
    )

    const unposed = new SyntheticRoom(frames)
    const noPoses = {
      ...unposed.manifest(),
      hasPoses: false,
      frames: unposed.manifest().frames.map((f) => ({ ...f, worldFromCamera: null })),
    }
    const fixture2 = mapFixture(unposed, null, noPoses)
    await expect(fixture2.service.build({ sessionId: 'room' })).rejects.toThrow(/has no camera poses/)

    const millimetres = new SyntheticRoom(frames)
    const load = millimetres.loadFrame.bind(millimetres)
    millimetres.loadFrame = async (id, index) => {
      const frame = await load(id, index)
      return { ...frame, depthMeters: { ...frame.depthMeters, data: frame.depthMeters.data.map((d) => d * 1000) } }
    }
    const fixture3 = mapFixture(millimetres, null, millimetres.manifest())
    await expect(buildAndWait(fixture3, { sessionId: 'room', geometryOnly: true })).rejects.toThrow(
      /median depth is \d+ m.*depthUnitMeters is 0.001/,
    )
    await expect(fixture3.service.build({ sessionId: 'room', voxelSizeMeters: 0 })).rejects.toThrow(/at least 0.005 m/)
  })
})
