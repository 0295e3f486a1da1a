/** The compact cache tier: codes computed by nodes appended to the model's graph, decoded by one MatMul. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import {
  codesNames,
  decodeBasis,
  decodeGraphBytes,
  encodeBasis,
  fitFrameBasis,
  modelWithCodes,
  unitCodeRows,
  type FrameBasis,
} from '../../../../src-main/services/inference/frame-codes'
import { normaliseRows } from '../../../../src-main/services/inference/embedding-layout'
import { elemFloat, modelBytes, node, tensorInfo } from '../../../../src-main/services/inference/onnx-proto'
import { fixturePacks } from './inference-test-kit'

/** [1, D, h, w] channel-major → L2-normalised [h·w, D]. */
function pixelMajorUnit(chw: Float32Array, dim: number): Float32Array {
  const pixels = chw.length / dim
  const out = new Float32Array(chw.length)
  for (let c = 0; c < dim; c++) for (let p = 0; p < pixels; p++) out[p * dim + c] = chw[c * pixels + p]!
  normaliseRows(out, dim)
  return out
}

async function decode(basis: FrameBasis, codes: Int8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(decodeGraphBytes(basis))
  const rows = codes.length / basis.components
  const result = await session.run({
    [codesNames.codesIn]: new ort.Tensor('float32', unitCodeRows(codes, basis.components), [rows, basis.components]),
  })
  return (result[codesNames.map] as ort.Tensor).data as Float32Array
}

function worstCosine(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1
  for (let o = 0; o < a.length; o += dim) {
    let dot = 0
    for (let d = 0; d < dim; d++) dot += a[o + d]! * b[o + d]!
    worst = Math.min(worst, dot)
  }
  return worst
}

describe('frame codes', () => {
  it('appended to the tiny model: codes of the model output as the formula says, decoded to unit vectors', async () => {
    const onnx = readFileSync(join(fixturePacks, 'tiny', 'image.onnx'))
    const feeds = {
      rgb: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 3 * 48 * 64 }, (_, i) => Math.sin(i * 0.01)),
        [1, 3, 48, 64],
      ),
      depth: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 48 * 64 }, (_, i) => Math.cos(i * 0.02)),
        [1, 1, 48, 64],
      ),
    }
    const plain = await ort.InferenceSession.create(onnx)
    const raw = (await plain.run(feeds))['emb'] as ort.Tensor
    const [, dim, h, w] = raw.dims as [number, number, number, number]
    const exact = pixelMajorUnit(raw.data as Float32Array, dim)
    const basis = fitFrameBasis([{ data: exact }], dim, dim) // k = D: only quantisation is lost

    const fused = await ort.InferenceSession.create(modelWithCodes(onnx, basis, 'emb', 1))
    const result = await fused.run(feeds, [codesNames.codes])
    const values = result[codesNames.codes] as ort.Tensor
    expect(values.dims).toEqual([h * w, dim])
    expect(values.type).toBe('int8') // a quarter of float32's bytes cross to the host
    const codes = values.data as Int8Array
    for (let p = 0; p < h * w; p += 37) {
      const projected = Array.from({ length: dim }, (_, j) =>
        exact.subarray(p * dim, (p + 1) * dim).reduce((s, v, d) => s + v * basis.rows[j * dim + d]!, 0),
      )
      const length = Math.hypot(...projected)
      projected.forEach((v, j) =>
        expect(Math.abs(codes[p * dim + j]! - (127 * v) / length)).toBeLessThanOrEqual(0.5001),
      )
    }
    const decoded = await decode(basis, codes)
    expect(worstCosine(decoded, exact, dim)).toBeGreaterThan(0.999)
  })

  it('keeps the direction of maps that span few directions with k ≪ D, and zero pixels stay zero', async () => {
    const dim = 96
    const pixels = 2000
    const directions = Array.from({ length: 6 }, (_, j) =>
      Float32Array.from({ length: dim }, (_, d) => Math.sin((j + 1) * (d + 1) * 0.7)),
    )
    const map = new Float32Array(pixels * dim)
    for (let p = 0; p < pixels; p++) {
      for (let d = 0; d < dim; d++) {
        map[p * dim + d] =
          directions.reduce((s, v, j) => s + v[d]! * Math.cos(p * 0.01 * (j + 1) + j), 0) +
          0.01 * Math.sin(p * 7.3 + d * 1.9)
      }
    }
    normaliseRows(map, dim)
    const basis = fitFrameBasis([{ data: map.subarray(0, 1000 * dim) }, { data: map.subarray(1000 * dim) }], dim, 12)
    // the map as a model output [1, D, 1, P]
    const chw = new Float32Array(map.length)
    for (let p = 0; p < pixels; p++)
      for (let d = 0; d < dim; d++) chw[d * pixels + p] = map[p * dim + d]! * (1 + (p % 5))
    for (let d = 0; d < dim; d++) chw[d * pixels] = 0
    const identity = await ort.InferenceSession.create(modelWithCodes(identityModel(dim, pixels), basis, 'raw', 1))
    const out = await identity.run({ x: new ort.Tensor('float32', chw, [1, dim, 1, pixels]) }, [codesNames.codes])
    const codes = (out[codesNames.codes] as ort.Tensor).data as Int8Array
    expect([...codes.subarray(0, 12)]).toEqual(new Array(12).fill(0))
    const decoded = await decode(basis, codes)
    expect([...decoded.subarray(0, dim)].every((v) => v === 0)).toBe(true)
    map.fill(0, 0, dim)
    expect(worstCosine(decoded.subarray(dim), map.subarray(dim), dim)).toBeGreaterThan(0.99)
  })

  it('stores the basis with a checked header', () => {
    const basis: FrameBasis = { dim: 3, components: 2, rows: Float32Array.of(1, 0, 0, 0, 1, 0) }
    const back = decodeBasis(encodeBasis(basis)) as FrameBasis
    expect([back.dim, back.components, ...back.rows]).toEqual([3, 2, 1, 0, 0, 0, 1, 0])
    expect(decodeBasis(encodeBasis(basis).subarray(0, 20))).toBe('holds 20 bytes; 40 expected for 2×3')
    expect(decodeBasis(new Uint8Array(16))).toBe('not a version-1 frame basis')
  })
})

/** raw = Identity(x), [1, D, 1, P]: a stand-in model whose output is its input. */
function identityModel(dim: number, pixels: number): Uint8Array {
  return modelBytes(
    'identity',
    [node('Identity', ['x'], ['raw'])],
    [tensorInfo('x', elemFloat, [1, dim, 1, pixels])],
    [tensorInfo('raw', elemFloat, [1, dim, 1, pixels])],
  )
}
