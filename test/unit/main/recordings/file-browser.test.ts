import { describe, expect, it } from 'vitest'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileBrowser } from '../../../../src-main/services/recordings/file-browser'
import { PathPolicy } from '../../../../src-main/services/security/path-policy'
import { consoleErrorOf, makeLibrary } from './session-fixture'

function tree() {
  const base = makeLibrary()
  const root = join(base, 'data')
  const outside = join(base, 'secret')
  mkdirSync(join(root, 'tum', 'rgb'), { recursive: true })
  mkdirSync(join(root, '.hidden'))
  mkdirSync(outside)
  writeFileSync(join(root, 'tum', 'rgb.txt'), '# rgb\n')
  writeFileSync(join(outside, 'passwords'), 'x')
  symlinkSync(outside, join(root, 'escape'))
  return {
    root,
    outside,
    browser: new FileBrowser(new PathPolicy({ mode: 'browser', readRoots: [root, join(base, 'missing-root')] })),
  }
}

describe('FileBrowser', () => {
  it('lists the existing roots, then folders first with sizes, hiding dot entries even when asked', async () => {
    const { root, browser } = tree()
    const roots = await browser.list(null)
    expect(roots.entries.map((e) => e.path)).toEqual([root])
    const tum = await browser.list(join(root, 'tum'))
    expect(tum.entries.map((e) => [e.name, e.kind, e.sizeBytes])).toEqual([
      ['rgb', 'dir', null],
      ['rgb.txt', 'file', 6],
    ])
    expect(tum.parent).toBe(root)
    const top = await browser.list(root)
    expect(top.parent).toBeNull()
    expect(top.entries.map((e) => e.name)).not.toContain('.hidden')
    // Browser mode never lists dot entries (`~/.ssh`), showHidden or not; the link leading outside is left out.
    expect((await browser.list(root, true)).entries.map((e) => e.name)).toEqual(['tum'])
  })

  it('refuses paths outside the roots, including through a symlink and ..', async () => {
    const { root, outside, browser } = tree()
    const refusals = await Promise.all(
      [
        outside,
        join(root, 'escape'),
        `${root}/../secret/passwords`,
        'relative/path',
        join(root, 'nope'),
        join(root, '.hidden'),
      ].map((p) => consoleErrorOf(browser.list(p))),
    )
    // Missing, outside, through a link, hidden: one answer, so a client cannot probe what exists.
    for (const [k, error] of refusals.entries()) {
      expect(error.code).toBe('not_found')
      expect(error.message.replace(/^.*?: /, '')).toBe(refusals[0]!.message.replace(/^.*?: /, ''))
      expect(error.message, `refusal ${k}`).toContain('outside the folders')
    }
  })
})
