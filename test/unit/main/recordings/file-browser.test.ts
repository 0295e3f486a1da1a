import { describe, expect, it } from 'vitest'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileBrowser } from '../../../../src-main/services/recordings/file-browser'
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
  return { root, outside, browser: new FileBrowser([root, join(base, 'missing-root')]) }
}

describe('FileBrowser', () => {
  it('lists the existing roots, then folders first with sizes, hiding dot entries', async () => {
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
    expect((await browser.list(root, true)).entries.map((e) => e.name)).toContain('.hidden')
  })

  it('refuses paths outside the roots, including through a symlink and ..', async () => {
    const { root, outside, browser } = tree()
    expect((await consoleErrorOf(browser.list(outside))).message).toContain('outside the folders')
    expect((await consoleErrorOf(browser.list(join(root, 'escape')))).message).toContain('outside the folders')
    expect((await consoleErrorOf(browser.checkAllowed(`${root}/../secret/passwords`))).code).toBe('invalid_input')
    expect((await consoleErrorOf(browser.checkAllowed('relative/path'))).message).toContain('not an absolute path')
    expect((await consoleErrorOf(browser.list(join(root, 'nope')))).code).toBe('not_found')
  })
})
