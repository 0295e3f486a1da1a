/**
 * Every view in Chromium, served the way the Electron app serves it (see app-scheme-harness.ts):
 * page and data plane on one origin, the page's CSP applied, requests over the preload-style bridge.
 * The same walk with the data plane on another origin (the first Electron build) must fail: that is
 * the proof this test sees the bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoSkipReason } from './harness'
import { appOrigin, startAppSchemeConsole, type AppSchemeConsole } from './app-scheme-harness'
import { walkViews } from './view-walk'

const reason = demoSkipReason()

describe.skipIf(reason !== '')(
  reason ? `App-scheme origin — skipped: ${reason}` : 'App-scheme origin (as in Electron)',
  () => {
    describe('UI and data plane on one origin', () => {
      let app: AppSchemeConsole
      beforeAll(async () => {
        app = await startAppSchemeConsole({ dataOrigin: 'same' })
      })
      afterAll(async () => {
        await app?.close()
      })

      it('walks every view with frames, thumbnails, heatmaps and masks drawn, and no console errors', async () => {
        expect(await app.page.evaluate(() => location.origin)).toBe(appOrigin)
        // The policy is in force: the page may not reach another origin.
        const blocked = await app.page.evaluate(() =>
          fetch('https://data.dve.test/index.html').then(
            () => 'fetched',
            () => 'blocked',
          ),
        )
        expect(blocked).toBe('blocked')
        app.problems.length = 0
        await walkViews(app.page, { timeoutMs: 60_000, screenshots: '/tmp/dve-app-origin' })
        expect(app.problems).toEqual([])
      })
    })

    describe('data plane on another origin (the first Electron build)', () => {
      let app: AppSchemeConsole
      beforeAll(async () => {
        app = await startAppSchemeConsole({ dataOrigin: 'other' })
      })
      afterAll(async () => {
        await app?.close()
      })

      it('fails the same walk: the page cannot load its data', async () => {
        await expect(walkViews(app.page, { timeoutMs: 8_000 })).rejects.toThrow()
        expect(app.problems.join('\n')).toMatch(/data\.dve\.test|Content Security Policy|CORS/)
      })
    })
  },
)
