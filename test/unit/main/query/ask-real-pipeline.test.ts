/**
 * Ask through the real services: the demo recording, the inference worker running the tiny
 * `fullres` fixture pack (random weights, so no quality is asserted), the session index job, the ORT
 * scorer for heatmaps, the fused map for the pin. Checks that the ports fit together end to end.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { missingPaths } from '../../../helpers/prerequisites'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')
const fixturePack = join(repoRoot, 'test', 'fixtures', 'models', 'fullres')
const demoManifest = join(repoRoot, 'resources', 'demo-recording', 'session.json')
const missing = missingPaths('Ask through the real services', [fixturePack, demoManifest])
const sessionId = 'demo-apartment'

describe.skipIf(missing.length > 0)(
  missing.length
    ? `Ask through the real services — skipped: missing ${missing.join(', ')}`
    : 'Ask through the real services',
  () => {
    let services: Services
    const home = mkdtempSync(join(tmpdir(), 'dve-ask-real-'))

    beforeAll(async () => {
      const userModels = join(home, 'models')
      cpSync(fixturePack, join(userModels, 'fullres'), { recursive: true })
      services = await createServices({
        host: 'test',
        version: 'test',
        paths: { ...consolePaths(home, repoRoot), userModels },
      })
      await services.api.models.activate({ id: 'fullres' })
    })
    afterAll(async () => {
      await services?.dispose()
      rmSync(home, { recursive: true, force: true })
    })

    it('indexes the recording as a job, then answers from the index', async () => {
      const status = await services.api.query.indexStatus({ sessionId })
      expect(status).toMatchObject({ indexedFrames: 0 })
      const first = await services.api.query.search({
        sessionId,
        query: { source: { kind: 'text', text: 'where is the sofa?' } },
      })
      expect(first.relevancyByFrame).toHaveLength(status.frameCount)
      expect(first.relevancyByFrame.every((r) => r >= 0 && r <= 1)).toBe(true)
      expect(first.record).toMatchObject({
        queryText: 'sofa',
        promptTemplate: expect.any(String),
        thresholdMode: 'pack',
      })
      const jobs = await services.api.jobs.list()
      expect(jobs.filter((j) => j.kind === 'query-index').map((j) => j.state)).toEqual(['done'])
      expect((await services.api.query.indexStatus({ sessionId })).indexedFrames).toBe(status.frameCount)

      const second = await services.api.query.search({
        sessionId,
        query: { source: { kind: 'text', text: 'bean bag' } },
      })
      expect((await services.api.jobs.list()).filter((j) => j.kind === 'query-index')).toHaveLength(1)
      expect(second.timestampsSec).toEqual(first.timestampsSec)
    }, 300_000)

    it('pins the answer in the fused map once the session has one', async () => {
      const { jobId } = await services.api.map.build({ sessionId, frameStep: 10, voxelSizeMeters: 0.1 })
      while ((await services.api.jobs.list()).find((j) => j.id === jobId)?.state === 'running')
        await new Promise((resolve) => setTimeout(resolve, 200))
      expect((await services.api.jobs.list()).find((j) => j.id === jobId)?.state).toBe('done')
      const result = await services.api.query.search({
        sessionId,
        query: { source: { kind: 'text', text: 'sofa' }, settings: { threshold: 0 } },
      })
      const pin = result.answer.mapPin
      expect(pin?.worldPoint.every(Number.isFinite)).toBe(true)
      // The place in words is the thing beside the pin in the map, when the map knows one.
      expect(result.answer.text).toMatch(
        pin?.nearby ? new RegExp(`, by ${pin.nearby}\\.`) : /^The sofa was last seen at \d\d:\d\d into the recording\./,
      )
      const withoutMap = await services.api.query.search({
        sessionId,
        query: { source: { kind: 'text', text: 'sofa' }, settings: { threshold: 0 } },
        withMap: false,
      })
      expect(withoutMap.answer.mapPin).toBeNull()
    }, 300_000)

    it('draws heatmaps at the pack output size through the ORT scorer, and serves their bytes', async () => {
      const result = await services.api.query.frame({
        sessionId,
        frameIndex: 10,
        queries: [
          { source: { kind: 'text', text: 'sofa' } },
          { source: { kind: 'region', sessionId, frameIndex: 3, box: { x0: 0.4, y0: 0.4, x1: 0.6, y1: 0.6 } } },
        ],
      })
      const [text, region] = result.heatmaps
      expect([text?.width, text?.height]).toEqual([64, 48])
      const bytes = (await services.data.handle((text?.heatmapPath ?? '').replace('/data/', ''), new URLSearchParams()))
        .body
      expect(bytes).toHaveLength(2 * 64 * 48)
      expect(Math.max(...bytes.subarray(0, 64 * 48)) / 255).toBeCloseTo(text?.maxRelevancy ?? -1, 1)
      expect(region?.record.label).toMatch(/^like frame 3/)
    }, 120_000)
  },
)
