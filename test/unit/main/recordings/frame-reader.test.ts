import { describe, expect, it } from 'vitest'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { consoleErrorOf, fixtureCamera, makeLibrary, rawDepth, rgbPixel, writeSession } from './session-fixture'

async function reader(options: Parameters<typeof writeSession>[1] = {}) {
  const library = makeLibrary()
  await writeSession(join(library, 's1'), { id: 's1', ...options })
  const store = new SessionStore(library, [])
  return { library, store, reader: new SessionFrameReader(store) }
}

describe('SessionFrameReader', () => {
  it('loads depth in metres with every invalid value as 0, RGB, camera and pose', async () => {
    const { reader: frames } = await reader()
    expect(await frames.frameCount('s1')).toBe(4)
    const frame = await frames.loadFrame('s1', 2)
    const { width } = fixtureCamera
    expect(frame.depthMeters.width).toBe(width)
    expect(frame.depthMeters.data[0]).toBe(0) // raw 0
    expect(frame.depthMeters.data[1]).toBe(0) // raw 65535, listed as invalid
    expect(frame.depthMeters.data[5 * width + 7]).toBeCloseTo(rawDepth(2, 7, 5) * 0.001, 6)
    expect([...frame.rgb.data.subarray(3 * (5 * width + 7), 3 * (5 * width + 7) + 3)]).toEqual(rgbPixel(2, 7, 5))
    expect(frame.camera).toEqual(fixtureCamera)
    expect(frame.worldFromCamera?.[3]).toBe(2)
    expect(frame.timestampSec).toBeCloseTo(0.2)
  })

  it("keeps a live recording's frames apart, a few only, so they never push out what is browsed", async () => {
    const { store } = await reader({ frames: 40 })
    // A main cache of about two frames: live frames kept there would push the browsed one out.
    const frames = new SessionFrameReader(store, { cacheBytes: 8_000 })
    const session = await store.get('s1')
    const browsed = await frames.depthRaw('s1', 1)
    store.setLive(session)
    for (let i = 2; i < 40; i++) await frames.loadFrame('s1', i)
    expect(await frames.depthRaw('s1', 39)).toBe(await frames.depthRaw('s1', 39))
    store.endLive(session.dir)
    expect(await frames.depthRaw('s1', 1)).toBe(browsed)
  })

  it('serves a live frame handed over by its recorder from memory, as the files would read', async () => {
    const { library, store, reader: frames } = await reader()
    const session = await store.get('s1')
    session.manifest.depthInvalidValues = [0] // as a live recording's
    store.setLive(session)
    const fromFiles = await frames.loadFrame('s1', 3)
    const { width, height } = fixtureCamera
    const depth = { width, height, data: Uint16Array.from({ length: width * height }, (_, i) => i * 5) }
    const rgb = { width, height, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => i % 251) }
    frames.keepLiveFrame(session, 2, { depth, rgb })
    // Handed over: the files are not read again (they are gone here).
    rmSync(join(library, 's1', 'depth', '000002.png'))
    rmSync(join(library, 's1', 'rgb', '000002.png'))
    const handed = await frames.loadFrame('s1', 2)
    expect(handed.rgb.data).toBe(rgb.data)
    expect(handed.depthMeters.data[700]).toBeCloseTo(700 * 5 * 0.001, 6)
    // Colour of another size than the camera's is not kept (the files give it scaled); depth still is.
    frames.keepLiveFrame(session, 3, { depth, rgb: { width: 8, height: 6, data: new Uint8Array(8 * 6 * 3) } })
    const three = await frames.loadFrame('s1', 3)
    expect([...three.rgb.data]).toEqual([...fromFiles.rgb.data])
    expect(three.depthMeters.data[700]).toBeCloseTo(700 * 5 * 0.001, 6)
  })

  it('scales RGB stored at another size to the depth camera', async () => {
    const { reader: frames } = await reader({ rgbSize: { width: 64, height: 48 } })
    const frame = await frames.loadFrame('s1', 0)
    expect([frame.rgb.width, frame.rgb.height]).toEqual([fixtureCamera.width, fixtureCamera.height])
    expect(frame.rgb.data.length).toBe(fixtureCamera.width * fixtureCamera.height * 3)
  })

  it('reads labels, or null for frames without', async () => {
    const labelled = await reader({ labels: true })
    const labels = await labelled.reader.loadLabels('s1', 1)
    expect(labels?.data[0]).toBe(1)
    expect(labels?.data[fixtureCamera.width - 1]).toBe(2)
    const plain = await reader()
    expect(await plain.reader.loadLabels('s1', 1)).toBeNull()
  })

  it('decodes a frame once and serves repeats from the cache', async () => {
    const { reader: frames } = await reader()
    const [a, b] = await Promise.all([frames.depthRaw('s1', 1), frames.depthRaw('s1', 1)])
    expect(a).toBe(b)
    expect(await frames.depthRaw('s1', 1)).toBe(a)
  })

  it('names the file when a depth image is corrupt or missing, and the frame when out of range', async () => {
    const { library, reader: frames } = await reader()
    const path = join(library, 's1', 'depth', '000001.png')
    writeFileSync(path, Buffer.from('not a png at all'))
    const corrupt = await consoleErrorOf(frames.loadFrame('s1', 1))
    expect(corrupt.code).toBe('bad_file')
    expect(corrupt.message).toContain(path)
    const range = await consoleErrorOf(frames.loadFrame('s1', 9))
    expect(range.code).toBe('not_found')
    expect(range.message).toContain('has no frame 9')
  })

  it('refuses depth whose size differs from the session camera', async () => {
    const { library, reader: frames } = await reader()
    const { encode } = await import('fast-png')
    const path = join(library, 's1', 'depth', '000003.png')
    writeFileSync(path, encode({ width: 8, height: 8, data: new Uint16Array(64), depth: 16, channels: 1 }))
    const error = await consoleErrorOf(frames.loadFrame('s1', 3))
    expect(error.message).toMatch(/000003\.png: depth is 8×8, the session camera is 32×24/)
  })
})

describe('SessionFrameReader on damaged files', () => {
  it('names the file of a truncated depth PNG and of an RGB (not grey) depth image', async () => {
    const { library, reader: frames } = await reader()
    const path = join(library, 's1', 'depth', '000002.png')
    const { readFileSync } = await import('node:fs')
    writeFileSync(path, readFileSync(path).subarray(0, 200))
    const truncated = await consoleErrorOf(frames.loadFrame('s1', 2))
    expect(truncated.code).toBe('bad_file')
    expect(truncated.message).toContain(`${path}: cannot decode the PNG`)
    const { encode } = await import('fast-png')
    const rgbPath = join(library, 's1', 'depth', '000003.png')
    writeFileSync(rgbPath, encode({ width: 32, height: 24, data: new Uint8Array(32 * 24 * 3), depth: 8, channels: 3 }))
    const colour = await consoleErrorOf(frames.loadFrame('s1', 3))
    expect(colour.message).toBe(`${rgbPath}: expected a single-channel (grey) PNG, found PNG colour type 2.`)
  })
})
