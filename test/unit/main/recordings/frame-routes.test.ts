import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { decodeFrameBundle, decodeU16Payload, resourcePaths, dataPrefix } from '../../../../src-main/contract'
import { DataRouter } from '../../../../src-main/services/data-router'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { registerFrameRoutes } from '../../../../src-main/services/recordings/frame-routes'
import { Thumbnails, thumbnailSize } from '../../../../src-main/services/recordings/thumbnails'
import { sessionStats, sampleIndices } from '../../../../src-main/services/recordings/session-stats'
import { consoleErrorOf, fixtureCamera, makeLibrary, rawDepth, writeSession } from './session-fixture'

async function setup() {
  const library = makeLibrary()
  await writeSession(join(library, 's1'), { id: 's1', labels: true })
  await writeSession(join(library, 's2'), { id: 's2' })
  const store = new SessionStore(library, [])
  const reader = new SessionFrameReader(store)
  const data = new DataRouter()
  registerFrameRoutes(data, store, reader, new Thumbnails())
  const get = (path: string) => data.handle(path.slice(dataPrefix.length), new URLSearchParams())
  return { library, store, reader, data, get }
}

describe('frame data routes', () => {
  it('serves RGB as the stored bytes and depth as a DV16 payload in metres', async () => {
    const { library, get } = await setup()
    const rgb = await get(resourcePaths.frameImage('s1', 1, 'rgb'))
    expect(rgb.contentType).toBe('image/png')
    expect(Buffer.from(rgb.body).equals(readFileSync(join(library, 's1', 'rgb', '000001.png')))).toBe(true)
    const depthResponse = await get(resourcePaths.frameImage('s1', 1, 'depth'))
    const body = depthResponse.body
    const depth = decodeU16Payload(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer)
    expect([depth.width, depth.height]).toEqual([fixtureCamera.width, fixtureCamera.height])
    expect(depth.scale).toBeCloseTo(0.001, 9)
    expect(depth.data[3 * fixtureCamera.width + 4]).toBe(rawDepth(1, 4, 3))
    expect(depth.data[1]).toBe(0) // 65535 is invalid in this session → 0 on the wire
  })

  it('serves labels, and says which frames have none', async () => {
    const { get } = await setup()
    const body = (await get(resourcePaths.frameImage('s1', 0, 'labels'))).body
    const labels = decodeU16Payload(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    )
    expect(labels.data[0]).toBe(1)
    const missing = await consoleErrorOf(get(resourcePaths.frameImage('s2', 0, 'labels')))
    expect(missing.code).toBe('not_found')
    expect(missing.message).toContain('no labels')
  })

  it('refuses bad indices and kinds', async () => {
    const { get } = await setup()
    expect((await consoleErrorOf(get('/data/sessions/s1/frames/-1/rgb'))).code).toBe('invalid_input')
    expect((await consoleErrorOf(get('/data/sessions/s1/frames/99/rgb'))).code).toBe('not_found')
    expect((await consoleErrorOf(get('/data/sessions/s1/frames/0/normals'))).message).toContain(
      'Unknown frame image kind',
    )
  })

  it('stops a frame read whose client has gone: no decode starts', async () => {
    const { reader, data } = await setup()
    const decodes: string[] = []
    const depthRaw = reader.depthRaw.bind(reader)
    reader.depthRaw = (session, frame) => {
      decodes.push(`depth ${String(frame)}`)
      return depthRaw(session, frame)
    }
    const gone = new AbortController()
    gone.abort()
    const path = resourcePaths.frameImage('s1', 1, 'bundle').slice(dataPrefix.length)
    await expect(
      data.handle(path, new URLSearchParams(), { signal: gone.signal, background: true }),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(decodes).toEqual([])
    // The same frame for a client that stays is served (and decoded) as before.
    const served = await data.handle(path, new URLSearchParams(), {
      signal: new AbortController().signal,
      background: false,
    })
    expect(decodeFrameBundle(served.body.slice().buffer).depth.width).toBe(fixtureCamera.width)
    expect(decodes).toEqual(['depth 1'])
  })

  it('makes a JPEG thumbnail of the session', async () => {
    const { get } = await setup()
    const thumb = await get(resourcePaths.sessionThumbnail('s1'))
    expect(thumb.contentType).toBe('image/jpeg')
    const meta = await sharp(thumb.body).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', thumbnailSize.width, thumbnailSize.height])
  })
})

describe('session stats', () => {
  it('samples frames evenly, first and last included', () => {
    expect(sampleIndices(100, 5)).toEqual([0, 25, 50, 74, 99])
    expect(sampleIndices(3, 12)).toEqual([0, 1, 2])
    expect(sampleIndices(0, 12)).toEqual([])
  })

  it('finds the valid depth range and coverage', async () => {
    const { store, reader } = await setup()
    const stats = await sessionStats(reader, await store.get('s1'), 12)
    const { width, height } = fixtureCamera
    expect(stats.sampledFrames).toBe(4)
    expect(stats.depthRangeMeters?.min).toBeCloseTo(rawDepth(0, 0, 1) * 0.001, 6)
    expect(stats.depthRangeMeters?.max).toBeCloseTo(rawDepth(3, width - 1, height - 1) * 0.001, 6)
    expect(stats.validDepthFraction).toBeCloseTo((width * height - 2) / (width * height), 6)
    expect(stats.poseCoverage).toBe(1)
  })
})

describe('frame bundle route', () => {
  it('carries the stored RGB bytes, depth and labels in one response', async () => {
    const { library, get } = await setup()
    const toBuffer = (body: Uint8Array) =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
    const bundle = decodeFrameBundle(toBuffer((await get(resourcePaths.frameImage('s1', 2, 'bundle'))).body))
    expect(Buffer.from(bundle.rgb).equals(readFileSync(join(library, 's1', 'rgb', '000002.png')))).toBe(true)
    expect(bundle.depth.data[3 * fixtureCamera.width + 4]).toBe(rawDepth(2, 4, 3))
    expect(bundle.labels?.data[0]).toBe(1)
    const unlabelled = decodeFrameBundle(toBuffer((await get(resourcePaths.frameImage('s2', 0, 'bundle'))).body))
    expect(unlabelled.labels).toBeNull()
    expect(() => decodeFrameBundle(new Uint8Array(40).buffer)).toThrow('missing "DVFB" header')
  })
})
