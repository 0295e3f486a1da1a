/**
 * The reader on real sensor data: the Open3D/Redwood frames from ../shared/data, laid out as a
 * session in a temporary folder (copied there, never into the repository). Expected figures come
 * from the data's README: 640×480 uint16 millimetres, 0 = invalid (about 13 %), largest value 2702.
 */
import { describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { SessionManifest } from '../../../../src-main/contract'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'
import { sessionStats } from '../../../../src-main/services/recordings/session-stats'
import { makeLibrary } from './session-fixture'
import { sharedData, skipReason } from '../../../helpers/prerequisites'

const source = resolve(import.meta.dirname, '../../../../../shared/data/open3d-redwood-rgbd')
const present = skipReason('real-recording test', [sharedData('open3d-redwood-rgbd')]) === ''

function redwoodSession(library: string): void {
  const dir = join(library, 'redwood')
  mkdirSync(join(dir, 'rgb'), { recursive: true })
  mkdirSync(join(dir, 'depth'))
  const frames: SessionManifest['frames'] = []
  for (let i = 0; i < 5; i++) {
    const name = String(i).padStart(5, '0')
    copyFileSync(join(source, 'color', `${name}.jpg`), join(dir, 'rgb', `${name}.jpg`))
    copyFileSync(join(source, 'depth', `${name}.png`), join(dir, 'depth', `${name}.png`))
    frames.push({
      index: i,
      timestampSec: i / 30,
      sourceName: name,
      rgb: `rgb/${name}.jpg`,
      depth: `depth/${name}.png`,
      worldFromCamera: null,
    })
  }
  const manifest: SessionManifest = {
    format: 'dve-session',
    version: 1,
    id: 'redwood',
    name: 'redwood',
    createdAt: '2026-11-26T00:00:00Z',
    source: { format: 'redwood', path: source },
    camera: { width: 640, height: 480, fx: 525, fy: 525, cx: 319.5, cy: 239.5 },
    rgbSize: { width: 640, height: 480 },
    depthUnitMeters: 0.001,
    depthInvalidValues: [0],
    hasPoses: false,
    frames,
  }
  writeFileSync(join(dir, 'session.json'), JSON.stringify(manifest))
}

describe.skipIf(!present)('reader on the real Redwood frames', () => {
  it('gives depth in metres within the README range, and full-size RGB', async () => {
    const library = makeLibrary()
    redwoodSession(library)
    const reader = new SessionFrameReader(new SessionStore(library, []))
    const stats = await sessionStats(reader, await reader.frame('redwood', 0).then((r) => r.session), 5)
    expect(stats.sampledFrames).toBe(5)
    expect(stats.depthRangeMeters?.max).toBeLessThanOrEqual(2.702 + 1e-9)
    expect(stats.depthRangeMeters?.max).toBeGreaterThan(2.0)
    expect(stats.validDepthFraction).toBeGreaterThan(0.8)
    expect(stats.validDepthFraction).toBeLessThan(0.95)
    const frame = await reader.loadFrame('redwood', 2)
    expect([frame.rgb.width, frame.rgb.height, frame.rgb.data.length]).toEqual([640, 480, 640 * 480 * 3])
    const raw = await reader.depthRaw('redwood', 2)
    const i = raw.data.findIndex((v) => v > 0)
    expect(frame.depthMeters.data[i]).toBeCloseTo((raw.data[i] as number) / 1000, 6)
  })
})
