/** The fp16 round trip of the cache: ORT's Cast in the output graph encodes, the table decodes. */
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { decodeHalf, embeddingValuesCopy, halfEmbeddingMap } from '../../../../src-main/services/float16'
import type { EmbeddingMap } from '../../../../src-main/services/ports'
import { poolCells } from '../../../../src-main/services/query/embedding-pooling'
import { outputGraphBytes, outputGraphNames } from '../../../../src-main/services/inference/output-graph'
import { classGraphBytes, headNames, scoreGraphBytes } from '../../../../src-main/services/inference/score-graph'

const halfToValue = (halves: Uint16Array, i: number) => decodeHalf(halves.subarray(i, i + 1))[0] as number

describe('float16', () => {
  it('decodes known bit patterns', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8400, 0x7c00, 0xfc00, 0x0000, 0x3555)
    const values = [...decodeHalf(bits)]
    expect(values.slice(0, 8)).toEqual([1, -2, 65504, 2 ** -24, -(2 ** -14), Infinity, -Infinity, 0])
    expect(values[8]).toBeCloseTo(1 / 3, 3)
    expect(decodeHalf(Uint16Array.of(0x7e00))[0]).toBeNaN()
  })

  it('round-trips normalised embeddings through the output graph within half precision, to nearest even', async () => {
    const dim = 4
    const pixels = 300
    const chw = Float32Array.from({ length: dim * pixels }, (_, i) => Math.sin(i * 0.37) + (i % 7 === 0 ? 1e-4 : 0))
    const session = await ort.InferenceSession.create(outputGraphBytes(1))
    const result = await session.run({ [outputGraphNames.raw]: new ort.Tensor('float32', chw, [1, dim, 1, pixels]) })
    const halves = (result[outputGraphNames.halves] as ort.Tensor).data as Uint16Array
    expect(halves).toBeInstanceOf(Uint16Array)
    const map = decodeHalf(halves)
    for (let p = 0; p < pixels; p++) {
      const raw = [0, 1, 2, 3].map((c) => chw[c * pixels + p] as number)
      const norm = Math.hypot(...raw)
      raw.forEach((v, c) => expect(Math.abs((map[p * dim + c] as number) - v / norm)).toBeLessThanOrEqual(2 ** -11))
    }
    // a tie: 1 + 2^-11 lies halfway between two halves and goes to the even one (1.0)
    const tie = await session.run({
      [outputGraphNames.raw]: new ort.Tensor('float32', Float32Array.of(1 + 2 ** -11), [1, 1, 1, 1]),
    })
    expect([...((tie[outputGraphNames.halves] as ort.Tensor).data as Uint16Array)]).toEqual([0x3c00])
  })

  it('scores and classifies an fp16 map exactly as its float32 decode (the worker keeps only the halves)', async () => {
    const dim = 16
    const pixels = 50
    const count = 3
    // normal halves of both signs (exponents 11–14), as a normalised map holds
    const halves = Uint16Array.from(
      { length: dim * pixels },
      (_, i) => ((i * 7919) % 3 ? 0 : 0x8000) | ((11 + (i % 4)) << 10) | ((i * 131) % 1024),
    )
    const queries = Float32Array.from({ length: count * dim }, (_, i) => Math.cos(i * 0.7))
    const bias = Float32Array.of(0.1, -0.2, 0)
    const feeds = (embeddings: ort.Tensor) => ({
      [headNames.queries]: new ort.Tensor('float32', queries, [count, dim]),
      [headNames.embeddings]: embeddings,
      [headNames.bias]: new ort.Tensor('float32', bias, [count, 1]),
    })
    const asHalves = feeds(new ort.Tensor('float16', halves, [pixels, dim]))
    const asFloats = feeds(new ort.Tensor('float32', decodeHalf(halves), [pixels, dim]))
    const run = async (bytes: Uint8Array, input: Record<string, ort.Tensor>) =>
      (await ort.InferenceSession.create(bytes)).run(input)
    const scores16 = (await run(scoreGraphBytes('float16'), asHalves))[headNames.scores] as ort.Tensor
    const scores32 = (await run(scoreGraphBytes('float32'), asFloats))[headNames.scores] as ort.Tensor
    expect(scores16.dims).toEqual([count, pixels])
    expect([...(scores16.data as Float32Array)]).toEqual([...(scores32.data as Float32Array)])
    const expected = (k: number, p: number) =>
      Array.from({ length: dim }, (_, c) => (queries[k * dim + c] as number) * halfToValue(halves, p * dim + c)).reduce(
        (a, b) => a + b,
      ) + (bias[k] as number)
    expect((scores16.data as Float32Array)[2 * pixels + 7]).toBeCloseTo(expected(2, 7), 4)
    const classes16 = await run(classGraphBytes('float16'), asHalves)
    const classes32 = await run(classGraphBytes('float32'), asFloats)
    expect([...(classes16[headNames.classIndex] as ort.Tensor).data]).toEqual([
      ...(classes32[headNames.classIndex] as ort.Tensor).data,
    ])
    expect([...((classes16[headNames.bestScore] as ort.Tensor).data as Float32Array)]).toEqual([
      ...((classes32[headNames.bestScore] as ort.Tensor).data as Float32Array),
    ])
  })

  it('pools a map read from fp16 into the same index cells without decoding it', () => {
    // Cells 2 pixels wide, and 6–7 wide (the fp16 path adds four pixels a pass, then the rest).
    for (const [width, cols] of [
      [10, 5],
      [26, 4],
    ] as const) {
      const layout = { dim: 8, width, height: 6, scaleX: 4, scaleY: 4 }
      // normal halves of both signs around 0.1–1 (exponents 11–14)
      const halves = Uint16Array.from(
        { length: 8 * width * 6 },
        (_, i) => ((i * 7919) % 2 ? 0x8000 : 0) | ((11 + (i % 4)) << 10) | ((i * 131) % 1024),
      )
      const decoded: EmbeddingMap = { ...layout, data: decodeHalf(halves) }
      const undecodable: EmbeddingMap = {
        ...layout,
        halves,
        get data(): Float32Array {
          throw new Error('decoded')
        },
      }
      const grid = { rows: 3, cols }
      expect([...poolCells(undecodable, grid)], `width ${width}`).toEqual([...poolCells(decoded, grid)])
    }
    const halves = Uint16Array.from({ length: 8 * 10 * 6 }, (_, i) => (11 << 10) | ((i * 131) % 1024))
    const lazy = halfEmbeddingMap({ dim: 8, width: 10, height: 6, scaleX: 4, scaleY: 4 }, halves)
    expect(lazy.data).toBe(lazy.data) // decoded once, on first use
    expect([...lazy.data]).toEqual([...decodeHalf(halves)])
    const copy = embeddingValuesCopy(lazy)
    expect(copy).not.toBe(lazy.data)
    expect([...copy]).toEqual([...decodeHalf(halves)])
  })
})
