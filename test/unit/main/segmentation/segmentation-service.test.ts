import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import type { DataRouter } from '../../../../src-main/services/data-router'
import { classColors, segmentationFixture } from './segmentation-fixture'

async function payload(data: DataRouter, path: string): Promise<Uint8Array> {
  return (await data.handle(path.replace('/data/', ''), new URLSearchParams())).body
}

describe('SegmentationService on the synthetic recording', () => {
  it('segments a frame: the sofa box is sofa, the rest room; shares, sizes and payloads agree', async () => {
    const { service, data } = segmentationFixture()
    const result = await service.segmentFrame({
      sessionId: 'synthetic',
      frameIndex: 15,
      classSetId: 'home',
      mode: 'text',
    })
    expect(result).toMatchObject({
      width: 32,
      height: 24,
      cameraWidth: 128,
      cameraHeight: 96,
      bytesPerIndex: 1,
      modelId: 'synthetic-model',
      mode: 'text',
    })
    expect(result.classes.map((c) => c.name)).toEqual(['sofa', 'bean bag', 'room'])
    // Sofa box x 0.05..0.45, y 0.4..0.9 → 20 % of the frame; no bean bag in frame 15.
    expect(result.classes[0]?.share).toBeCloseTo(0.2, 1)
    expect(result.classes[1]?.share).toBeLessThan(0.02)
    expect(result.classes.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6)

    const full = await payload(data, result.fullClassMapPath)
    expect(full.length).toBe(128 * 96)
    expect(full[Math.round(0.65 * 96) * 128 + Math.round(0.25 * 128)]).toBe(0) // inside the sofa box
    expect(full[5 * 128 + 120]).toBe(2) // top right: room
    const stride = await payload(data, result.classMapPath)
    expect(stride.length).toBe(32 * 24)
    const strideSofa = stride.filter((k) => k === 0).length / stride.length
    expect(strideSofa).toBeCloseTo(result.classes[0]?.share ?? 0, 1)

    const top2 = new Uint16Array((await payload(data, result.top2Path)).slice().buffer)
    expect(top2.length).toBe(5 * 32 * 24)
    for (let p = 0; p < 32 * 24; p++) {
      expect(top2[p]).toBe(stride[p])
      expect(top2[32 * 24 + p]).not.toBe(top2[p])
      expect(top2[2 * 32 * 24 + p]).toBeGreaterThanOrEqual(top2[3 * 32 * 24 + p] as number)
    }
    // Softmax of cosines over three classes stays near 1/3; the raw cosine says how sure the winner is.
    expect(result.meanScore).toBeGreaterThan(1 / 3)
    expect(result.meanScore).toBeLessThan(0.6)
    expect(result.meanWinnerCosine).toBeGreaterThan(0.5)
  })

  it('sends uint16 class maps when a set has more than 256 classes', async () => {
    const names = [...Array.from({ length: 299 }, (_, k) => `thing ${k}`), 'sofa']
    const { service, data } = segmentationFixture({
      head: async (world) => ({
        classSetId: 'big',
        mode: 'text',
        names,
        colors: names.map(() => [1, 2, 3]),
        weights: await world.textEmbeddings(names),
        bias: null,
      }),
    })
    const result = await service.segmentFrame({
      sessionId: 'synthetic',
      frameIndex: 15,
      classSetId: 'big',
      mode: 'text',
    })
    expect(result.bytesPerIndex).toBe(2)
    const bytes = await payload(data, result.fullClassMapPath)
    expect(bytes.length).toBe(2 * 128 * 96)
    const at = (x: number, y: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(2 * (y * 128 + x), true)
    expect(at(Math.round(0.25 * 128), Math.round(0.65 * 96))).toBe(299)
  })

  it('compares two modes on one frame (the same vectors in another row order give the same shares)', async () => {
    const { service } = segmentationFixture()
    const result = await service.compareModes({
      sessionId: 'synthetic',
      frameIndex: 45,
      classSetId: 'home',
      modes: ['text', 'mean'],
    })
    expect(result.left.mode).toBe('text')
    expect(result.right.mode).toBe('mean')
    // The fixture's mean head lists room, sofa, bean bag: index 0 means different classes, so agreement is low.
    expect(result.agreement).toBeLessThan(0.5)
    const beanBagArea = (0.9 - 0.6) * (0.85 - 0.5)
    expect(Math.abs((result.left.classes[1]?.share ?? 0) - beanBagArea)).toBeLessThan(0.02)
    expect(result.right.classes[2]?.share).toBeCloseTo(result.left.classes[1]?.share ?? 0, 2)
  })

  it('segments a session range as a job and writes index masks, colour PNGs and the class table', async () => {
    const { service } = segmentationFixture()
    const outDir = mkdtempSync(join(tmpdir(), 'dve-seg-'))
    const { jobId } = await service.segmentSession({
      sessionId: 'synthetic',
      classSetId: 'home',
      mode: 'text',
      frames: { start: 38, end: 42 },
      outDir,
    })
    const summary = await service.sessionResult({ jobId })
    expect(summary.frames).toBe(4)
    // Frames 38, 39: room only dominant; 40, 41: the bean bag is visible but room still dominates.
    expect(summary.dominantClassByFrame).toEqual([2, 2, 2, 2])
    // The bean bag (box 0.3 × 0.35) is in two of the four frames.
    expect(Math.abs((summary.classes[1]?.share ?? 0) - (0.3 * 0.35) / 2)).toBeLessThan(0.01)
    expect(readdirSync(join(outDir, 'masks'))).toEqual(['000038.png', '000039.png', '000040.png', '000041.png'])
    const mask = decode(readFileSync(join(outDir, 'masks', '000040.png')))
    expect(mask).toMatchObject({ width: 128, height: 96, channels: 1, depth: 8 })
    expect(mask.data[Math.round(0.7 * 96) * 128 + Math.round(0.75 * 128)]).toBe(2) // bean bag: index 1 + 1
    expect(mask.data[0]).toBe(3)
    const color = decode(readFileSync(join(outDir, 'color', '000040.png')))
    expect([...color.data.slice(0, 3)]).toEqual(classColors[2])
    const table = JSON.parse(readFileSync(join(outDir, 'classes.json'), 'utf8')) as {
      classes: Array<{ id: number; name: string }>
      frames: number[]
    }
    expect(table.classes.map((c) => [c.id, c.name])).toEqual([
      [0, 'void'],
      [1, 'sofa'],
      [2, 'bean bag'],
      [3, 'room'],
    ])
    expect(table.frames).toEqual([38, 39, 40, 41])

    // The same folder again: refused before the job starts, unless the person says to replace.
    const again = {
      sessionId: 'synthetic',
      classSetId: 'home',
      mode: 'text',
      frames: { start: 38, end: 39 },
      outDir,
    } as const
    await expect(service.segmentSession(again)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already holds 3 of the files this export writes \(classes\.json, color, masks\)/),
    })
    await service.sessionResult(await service.segmentSession({ ...again, overwrite: true }))
    expect(JSON.parse(readFileSync(join(outDir, 'classes.json'), 'utf8')).frames).toEqual([38])
  })

  it('refuses folders in browser mode, frames outside the session and unknown modes before starting a job', async () => {
    const browser = segmentationFixture({ allowFileExport: false })
    await expect(
      browser.service.segmentSession({ sessionId: 'synthetic', classSetId: 'home', mode: 'text', outDir: '/tmp/x' }),
    ).rejects.toThrow(/browser mode/)
    await expect(
      browser.service.segmentSession({
        sessionId: 'synthetic',
        classSetId: 'home',
        mode: 'text',
        frames: { start: 79, end: 81 },
      }),
    ).rejects.toThrow(/outside session "synthetic", which has 80 frames/)
    await expect(
      browser.service.segmentSession({ sessionId: 'synthetic', classSetId: 'home', mode: 'probe' }),
    ).rejects.toThrow(/no probe/)
    expect(await browser.jobs.list()).toEqual([])
  })

  it('a cancelled session run ends as cancelled', async () => {
    const { service, jobs } = segmentationFixture()
    const { jobId } = await service.segmentSession({ sessionId: 'synthetic', classSetId: 'home', mode: 'text' })
    await jobs.cancel({ id: jobId })
    await expect(service.sessionResult({ jobId })).rejects.toThrow(/cancelled/)
  })
})
