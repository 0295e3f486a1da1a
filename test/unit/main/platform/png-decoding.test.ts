/**
 * PNG decoding in worker threads: samples exactly as fast-png gives them on the main thread, the
 * declared size refused before any decoding, the event loop free while a large image decodes, and a
 * bad file failing only its own call.
 */
import { describe, expect, it } from 'vitest'
import { decode, encode } from 'fast-png'
import { decodePng } from '../../../../src-main/services/images/png-decoding'
import { seededRandom } from '../../../../src-main/services/seeded-random'
import { pngDeclaring } from '../../../security/security-kit'

/** A depth-like 16-bit image: a slope with sensor noise, so it compresses as real depth does. */
function depth16(width: number, height: number, seed: number): Uint8Array {
  const random = seededRandom(seed)
  const data = new Uint16Array(width * height)
  for (let i = 0; i < data.length; i++) data[i] = 800 + (i % width) + Math.floor(i / width) + Math.floor(random() * 8)
  return encode({ width, height, data, depth: 16, channels: 1 })
}

/** The longest the event loop went without running a 1 ms timer while `work` was pending. */
async function longestStallMs(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 1)
  try {
    await work()
    longest = Math.max(longest, performance.now() - last)
  } finally {
    clearInterval(timer)
  }
  return longest
}

describe('decodePng', () => {
  it('gives the samples fast-png gives, 16-bit grey and 8-bit palette indices alike', async () => {
    const grey = depth16(97, 61, 1)
    const off = await decodePng(grey, 'grey.png')
    const on = decode(grey)
    expect([off.width, off.height, off.channels, off.depth]).toEqual([97, 61, 1, 16])
    expect(off.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(off.data)).toEqual(Array.from(on.data))

    const indices = new Uint8Array(40 * 30).map((_, i) => i % 7)
    const palette = Array.from({ length: 7 }, (_, k): [number, number, number] => [k * 30, 255 - k * 30, k])
    const indexed = encode({ width: 40, height: 30, data: indices, depth: 8, channels: 1, palette })
    const labels = await decodePng(indexed, 'labels.png')
    expect(labels.channels).toBe(1)
    expect(Array.from(labels.data)).toEqual(Array.from(indices))
  })

  it('refuses a file that declares 20000 × 20000 pixels by its header, naming the file', async () => {
    await expect(decodePng(pngDeclaring(20000, 20000, 16, 0), '/data/huge.png')).rejects.toThrow(
      /\/data\/huge\.png: the image declares 20000×20000 pixels/,
    )
  })

  it('keeps the event loop running while a large image decodes', async () => {
    const big = depth16(4000, 3000, 2)
    await decodePng(depth16(8, 8, 4), 'warm-up.png') // thread start-up is not what this measures
    const onMainThread = await longestStallMs(async () => decode(big))
    const offMainThread = await longestStallMs(() => decodePng(big, 'big.png'))
    // The main-thread decode holds the loop for its whole duration; off it, the loop keeps ticking.
    expect(onMainThread).toBeGreaterThan(40)
    expect(offMainThread).toBeLessThan(onMainThread / 3)
  })

  it('fails a broken file alone; the next decode works', async () => {
    const good = depth16(8, 8, 3)
    const broken = good.slice(0, 60)
    const results = await Promise.allSettled([decodePng(broken, 'broken.png'), decodePng(good, 'good.png')])
    expect(results[0].status).toBe('rejected')
    expect(results[1].status).toBe('fulfilled')
    expect((await decodePng(good, 'again.png')).width).toBe(8)
  })
})
