/**
 * The examples users read, asked as they read them: the README's `dve query` example with its "(also: …)"
 * words and the Ask placeholder, typed into the Ask view on the demo recording. Each gets a positive
 * plain answer, and its first moment is a frame whose ground truth shows the object asked about (but for
 * the pack's known wrong first moments, whose later moments must show it).
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionManifestSchema } from '../../src-main/contract'
import { wrongFirstMomentOnDemoWalk } from '../helpers/demo-pack-facts'
import { demoSkipReason, repoRoot, startConsole, temporaryHome, type ConsoleUnderTest } from './harness'

const reason = demoSkipReason()
const recordingDir = join(repoRoot, 'resources', 'demo-recording')

/** "where is the plant" and its "(also: tv, sofa)" words from the README's query example, and the placeholder's. */
function examples(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  const line = /dve query demo-apartment "where is the ([^"]+)".*\(also: ([^)]+)\)/.exec(readme)
  if (!line) throw new Error('README.md: the `dve query demo-apartment "where is the …"` example is gone')
  const words = [line[1]!, ...line[2]!.split(',').map((w) => w.trim())]
  const askView = readFileSync(join(repoRoot, 'src-renderer', 'src', 'views', 'AskView.vue'), 'utf8')
  const placeholder = /placeholder="e\.g\. where is the ([^"?]+)\?"/.exec(askView)?.[1]
  if (!placeholder) throw new Error('AskView.vue: the placeholder example is gone')
  return [...new Set([...words, placeholder])]
}

/** Pixels of `className` in a frame's ground-truth labels. */
async function labelledPixels(frameIndex: number, className: string): Promise<number> {
  const session = sessionManifestSchema.parse(JSON.parse(readFileSync(join(recordingDir, 'session.json'), 'utf8')))
  const id = (session.labelClasses ?? []).find((c) => c.name === className)?.id
  const frame = session.frames.find((f) => f.index === frameIndex)
  if (id === undefined || !frame?.labels)
    throw new Error(`no class "${className}" or frame ${frameIndex} in the recording`)
  const { data, info } = await sharp(join(recordingDir, frame.labels)).raw().toBuffer({ resolveWithObject: true })
  let count = 0
  for (let i = 0; i < data.length; i += info.channels) if (data[i] === id) count++
  return count
}

describe.skipIf(reason !== '')(reason ? `examples — skipped: ${reason}` : 'the examples users read', () => {
  let app: ConsoleUnderTest
  const home = temporaryHome('examples')
  const words = examples()

  beforeAll(async () => {
    app = await startConsole({ home })
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('reads at least the plant, the tv and the sofa', () => {
    expect(words).toEqual(expect.arrayContaining(['plant', 'tv', 'sofa']))
  })

  it.each(words)(
    'answers "where is the %s" with a moment that shows it',
    async (word) => {
      const { page } = app
      await app.goto('/ask?session=demo-apartment')
      await page.getByTestId('ask-input').fill(`where is the ${word}`)
      await page.getByTestId('ask-input').press('Enter')
      const answer = page.getByTestId('ask-answer-text')
      await expect.poll(async () => (await answer.textContent()) ?? '', { timeout: 170_000 }).toMatch(`The ${word} `)
      expect(await answer.textContent()).toMatch(new RegExp(`^The ${word} was last seen .+\\. Seen `))
      const moments = page.getByTestId('ask-moment')
      const frames = await Promise.all(
        (await moments.all()).map(async (m) => Number(await m.getAttribute('data-frame'))),
      )
      const [first, ...later] = frames
      const pixels = await labelledPixels(first!, word)
      if (!wrongFirstMomentOnDemoWalk.includes(word)) expect(pixels, `frame ${first}`).toBeGreaterThan(0)
      else {
        // A known mistake of the pack (demo-pack-facts.ts): it stays one, and a later moment shows the thing.
        expect(pixels, `frame ${first}`).toBe(0)
        const shown = await Promise.all(later.map((frame) => labelledPixels(frame, word)))
        expect(
          shown.some((count) => count > 0),
          `frames ${later.join(', ')}`,
        ).toBe(true)
      }
    },
    200_000,
  )
})
