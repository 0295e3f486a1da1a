/** The compact cache tier end to end: basis from the first frames, codes after, reads decoded transparently. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEntry } from '../../../../src-main/services/inference/embedding-cache'
import { FakeFrames, makeHarness, type Harness } from './inference-test-kit'

const harnesses: Harness[] = []
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.dispose()
})

const frames = () => new FakeFrames(Array.from({ length: 7 }, (_, i) => ({ depthMeters: 1 + i * 0.3 })))

describe('compact cache tier', () => {
  it('caches the first frames as fp16, then codes; Ask, segmentation and the map read both the same way', async () => {
    const compact = makeHarness({ demo: 'tiny' }, frames(), { cacheTier: 'codes' })
    const exact = makeHarness({ demo: 'tiny' }, frames(), { cacheTier: 'fp16' })
    harnesses.push(compact, exact)
    for (const h of [compact, exact]) {
      const { jobId } = await h.inference.inference.runOnSession({ sessionId: 's' })
      expect((await h.inference.inference.runResult({ jobId })).computed).toBe(7)
    }
    const modelDir = join(
      compact.paths.cache,
      'embeddings',
      readdirSync(join(compact.paths.cache, 'embeddings'))[0] as string,
    )
    expect(readdirSync(modelDir).sort()).toEqual(['frame-basis.bin', 'image-codes-8.onnx', 's'])
    const versions = Array.from({ length: 7 }, (_, i) => {
      const entry = decodeEntry(readFileSync(join(modelDir, 's', `${i}.dvemb`)))
      return typeof entry === 'string' ? entry : 'codes' in entry ? `codes×${entry.components}` : 'fp16'
    })
    expect(versions).toEqual(['fp16', 'fp16', 'fp16', 'fp16', 'codes×8', 'codes×8', 'codes×8'])

    for (const i of [4, 6]) {
      const a = await compact.inference.inference.frameEmbeddings('s', i)
      const b = await exact.inference.inference.frameEmbeddings('s', i)
      expect([a.dim, a.width, a.height]).toEqual([b.dim, b.width, b.height])
      let worst = 1
      for (let o = 0; o < a.data.length; o += a.dim) {
        let dot = 0
        for (let d = 0; d < a.dim; d++) dot += a.data[o + d]! * b.data[o + d]!
        worst = Math.min(worst, dot)
      }
      expect(worst).toBeGreaterThan(0.995) // k = D here: quantisation only
      const query = b.data.slice(0, b.dim)
      const scores = await compact.inference.inference.scoreFrame('s', i, [query])
      const exactScores = await exact.inference.inference.scoreFrame('s', i, [query])
      expect(scores.scores.length).toBe(exactScores.scores.length)
      expect(Math.max(...scores.scores.map((s, p) => Math.abs(s - exactScores.scores[p]!)))).toBeLessThan(0.01)
    }
    expect(readdirSync(modelDir)).toContain('decode-8.onnx')
  })
})
