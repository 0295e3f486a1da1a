/** Our preprocessing against tensors from the cv2 reference pipeline (test/fixtures/models/make_fixtures.py). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { preprocessFrame } from '../../../../src-main/services/inference/preprocess'
import { sharedData, sharedDataDir, skipReason } from '../../../helpers/prerequisites'

const folder = join(import.meta.dirname, '../../../fixtures/models/parity')

interface ParityCase {
  name: string
  src: { width: number; height: number }
  dst: { width: number; height: number }
  depthMaxMeters: number | null
}
const fixture = JSON.parse(readFileSync(join(folder, 'cases.json'), 'utf8')) as {
  spec: {
    rgbMean: [number, number, number]
    rgbStd: [number, number, number]
    depthUnitMeters: number
    depthMean: number
    depthStd: number
    invalidDepthValue: number
  }
  cases: ParityCase[]
}

function readTyped<T>(name: string, make: (buffer: ArrayBuffer) => T): T {
  const bytes = readFileSync(join(folder, name))
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

describe('preprocessing parity with cv2', () => {
  for (const testCase of fixture.cases) {
    it(`${testCase.name}: ${testCase.src.width}×${testCase.src.height} → ${testCase.dst.width}×${testCase.dst.height}`, () => {
      const rgb = readTyped(`${testCase.name}.rgb.u8`, (b) => new Uint8Array(b))
      const depthMm = readTyped(`${testCase.name}.depth-mm.u16`, (b) => new Uint16Array(b))
      const expected = readTyped(`${testCase.name}.expected.f32`, (b) => new Float32Array(b))
      const depthMeters = Float32Array.from(depthMm, (mm) => mm * fixture.spec.depthUnitMeters)
      const input = preprocessFrame(
        { width: testCase.src.width, height: testCase.src.height, data: rgb },
        { width: testCase.src.width, height: testCase.src.height, data: depthMeters },
        { ...fixture.spec, inputSize: testCase.dst, depthMaxMeters: testCase.depthMaxMeters },
      )
      expect(input.planes.length).toBe(expected.length)
      let worst = 0
      for (let i = 0; i < expected.length; i++)
        worst = Math.max(worst, Math.abs((input.planes[i] as number) - (expected[i] as number)))
      expect(worst).toBeLessThanOrEqual(1e-4)
    })
  }

  it('marks NaN and beyond-max depth invalid', () => {
    const spec = { ...fixture.spec, inputSize: { width: 2, height: 1 }, depthMaxMeters: 2 }
    const input = preprocessFrame(
      { width: 2, height: 1, data: new Uint8Array(6) },
      { width: 2, height: 1, data: Float32Array.of(Number.NaN, 2.5) },
      { ...spec, invalidDepthValue: -7 },
    )
    expect([...input.depth]).toEqual([-7, -7])
  })
})

const kinectDir = join(sharedDataDir, 'dveformer-kinect-sample')
const hasKinect =
  skipReason('preprocessing parity on the real Kinect v2 sample', [sharedData('dveformer-kinect-sample')]) === ''
const kinect = JSON.parse(readFileSync(join(folder, 'kinect-sample.json'), 'utf8')) as {
  depthMaxMeters: number
  depthMean: number
  depthStd: number
  indices: number[]
  values: number[]
}

describe('preprocessing parity on the real Kinect v2 sample', () => {
  it.skipIf(!hasKinect)(
    'matches cv2 on 1440×1080 → 640×480 (skipped when ../shared/data/dveformer-kinect-sample is missing)',
    () => {
      const rgbPng = decode(readFileSync(join(kinectDir, 'rgb/sample.png')))
      const depthPng = decode(readFileSync(join(kinectDir, 'depth/sample.png')))
      expect([rgbPng.channels, depthPng.depth]).toEqual([3, 16])
      const depthMeters = Float32Array.from(depthPng.data as Uint16Array, (mm) => mm * 0.001)
      const input = preprocessFrame(
        { width: rgbPng.width, height: rgbPng.height, data: rgbPng.data as Uint8Array },
        { width: depthPng.width, height: depthPng.height, data: depthMeters },
        {
          ...fixture.spec,
          inputSize: { width: 640, height: 480 },
          depthMaxMeters: kinect.depthMaxMeters,
          depthMean: kinect.depthMean,
          depthStd: kinect.depthStd,
        },
      )
      let worst = 0
      kinect.indices.forEach(
        (index, i) =>
          (worst = Math.max(worst, Math.abs((input.planes[index] as number) - (kinect.values[i] as number)))),
      )
      expect(worst).toBeLessThanOrEqual(1e-4)
    },
  )
})
