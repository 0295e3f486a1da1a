/**
 * The classes area on the real demo recording through the real services (fixture pack: random
 * weights, 8-d, so this checks the plumbing, not the model): ground truth maps to the class set by
 * name with void ignored, and a probe trained on labels taken from the ground truth of one frame
 * beats chance on the next frames.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decode } from 'fast-png'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consolePaths } from '../../../../src-main/platform/paths'
import { createServices, type Services } from '../../../../src-main/services/create-services'
import { waitFor } from './classes-fixture'
import { missingPaths } from '../../../helpers/prerequisites'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')
const recording = join(repoRoot, 'resources', 'demo-recording')
const fixturePack = join(repoRoot, 'test', 'fixtures', 'models', 'fullres')
const ready = missingPaths('classes on the demo recording', [join(recording, 'session.json'), fixturePack]).length === 0
const names = ['floor', 'wall', 'ceiling']

/** Ground-truth mask of a frame and the session's label classes. */
function groundTruth(frameIndex: number): { width: number; data: ArrayLike<number>; idOf: (name: string) => number } {
  const session = JSON.parse(readFileSync(join(recording, 'session.json'), 'utf8')) as {
    labelClasses: Array<{ id: number; name: string }>
  }
  const png = decode(readFileSync(join(recording, 'labels', `${String(frameIndex).padStart(6, '0')}.png`)))
  return {
    width: png.width,
    data: png.data,
    idOf: (name) => session.labelClasses.find((c) => c.name === name)?.id ?? -1,
  }
}

describe.skipIf(!ready)(
  ready
    ? 'classes on the demo recording'
    : 'classes on the demo recording — skipped: resources/demo-recording or the fixture pack is missing',
  () => {
    let services: Services
    beforeAll(async () => {
      const home = mkdtempSync(join(tmpdir(), 'dve-classes-demo-'))
      cpSync(fixturePack, join(home, 'models', 'fullres'), { recursive: true })
      services = await createServices({ host: 'cli', version: 'test', paths: consolePaths(home, repoRoot) })
    })
    afterAll(async () => {
      await services?.dispose()
    })

    it('counts ground-truth pixels per class by name, ignoring void and classes not in the set', async () => {
      const set = await services.api.classes.create({
        name: 'Structure',
        classes: names.map((name, k) => ({ name, color: [k, k, k], prompts: [name] })),
      })
      const { jobId } = await services.api.classes.evaluate({
        sessionId: 'demo-apartment',
        classSetId: set.id,
        modes: ['text'],
        frames: { start: 0, end: 2 },
      })
      const report = await services.api.classes.evaluationResult({ jobId })
      const expected = names.map((name) =>
        [0, 1].reduce((sum, f) => {
          const gt = groundTruth(f)
          const id = gt.idOf(name)
          return sum + Array.from(gt.data).filter((v) => v === id).length
        }, 0),
      )
      expect(report.frames).toBe(2)
      expect(report.modes[0]?.classes.map((c) => c.gtPixels)).toEqual(expected)
      expect(report.unmatchedGtClasses).toContain('sofa')
      expect(report.unmatchedGtClasses).not.toContain('void')
    })

    it("trains a probe on labels copied from one frame's ground truth and beats chance on the next frames", async () => {
      const set = await services.api.classes.create({
        name: 'Probe',
        classes: names.map((name, k) => ({ name, color: [k, k, k], prompts: [name] })),
      })
      const gt = groundTruth(0)
      const runs: number[] = []
      Array.from(gt.data).forEach((v, i) => {
        const k = names.findIndex((name) => gt.idOf(name) === v)
        if (k >= 0) runs.push(i, 1, k + 1)
      })
      const height = gt.data.length / gt.width
      await services.api.classes.saveLabels({
        sessionId: 'demo-apartment',
        classSetId: set.id,
        frameIndex: 0,
        width: gt.width,
        height,
        runs,
      })
      const job = await services.api.classes.trainProbe({ classSetId: set.id, epochs: 30 })
      expect((await waitFor(services.jobs, job.jobId)).error).toBeNull()
      const status = await services.api.classes.probeStatus({ classSetId: set.id })
      expect(status.heldOutAccuracy).toBeGreaterThan(0.5)
      const evaluation = await services.api.classes.evaluate({
        sessionId: 'demo-apartment',
        classSetId: set.id,
        modes: ['probe'],
        frames: { start: 1, end: 4 },
      })
      const report = await services.api.classes.evaluationResult({ jobId: evaluation.jobId })
      // Three classes: chance is a third of the labelled pixels.
      expect(report.modes[0]?.pixelAccuracy).toBeGreaterThan(0.5)
    })
  },
)
