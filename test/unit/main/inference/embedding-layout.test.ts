/** The output layout graph (pool → HWC → per-pixel L2 → fp16) run by ORT, on small known inputs. */
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { decodeHalf } from '../../../../src-main/services/float16'
import { outputGraphBytes, outputGraphNames, poolFactor } from '../../../../src-main/services/inference/output-graph'

async function layout(chw: Float32Array, dim: number, height: number, width: number, factor: number) {
  const session = await ort.InferenceSession.create(outputGraphBytes(factor))
  const result = await session.run({ [outputGraphNames.raw]: new ort.Tensor('float32', chw, [1, dim, height, width]) })
  const halves = result[outputGraphNames.halves] as ort.Tensor
  return { dims: [...halves.dims], data: [...decodeHalf(halves.data as Uint16Array)] }
}

describe('model output → kept map', () => {
  it('transposes CHW to HWC and L2-normalises each pixel; zero pixels stay zero', async () => {
    // dim 2, 1×3 pixels: channel 0 = [3, 0, 1], channel 1 = [4, 0, 0]
    const { dims, data } = await layout(Float32Array.of(3, 0, 1, 4, 0, 0), 2, 1, 3, 1)
    expect(dims).toEqual([1, 1, 3, 2])
    expect(data[0]).toBeCloseTo(0.6, 3)
    expect(data[1]).toBeCloseTo(0.8, 3)
    expect(data.slice(2)).toEqual([0, 0, 1, 0])
  })

  it('average-pools wide outputs by an integer factor before normalising', async () => {
    expect(poolFactor(640, 160)).toBe(4)
    expect(poolFactor(160, 160)).toBe(1)
    // 2×5 pixels, factor 2 → 1×2 (the fifth column is dropped)
    const channel0 = [1, 3, 0, 0, 9, 1, 3, 0, 0, 9]
    const channel1 = [0, 0, 2, 2, 9, 0, 0, 2, 2, 9]
    const { dims, data } = await layout(Float32Array.from([...channel0, ...channel1]), 2, 2, 5, 2)
    expect(dims).toEqual([1, 1, 2, 2])
    expect(data).toEqual([1, 0, 0, 1])
  })
})
