import { describe, expect, it } from 'vitest'
import { DataRouter } from '../../../../src-main/services/data-router'
import { isTraversal, readStaticFile } from '../../../../src-main/server/static-files'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

describe('DataRouter', () => {
  const router = new DataRouter()
  router.register('sessions/:sessionId/frames/:index/:kind', async (params) => ({
    body: new TextEncoder().encode(JSON.stringify(params)),
    contentType: 'application/json',
  }))

  it('matches patterns and decodes parameters', async () => {
    const response = await router.handle('sessions/my%20session/frames/12/rgb', new URLSearchParams())
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({
      sessionId: 'my session',
      index: '12',
      kind: 'rgb',
    })
  })

  it('never lets a parameter carry a path separator or ..', async () => {
    await expect(router.handle('sessions/..%2F..%2Fetc/frames/1/rgb', new URLSearchParams())).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(router.handle('sessions/../frames/1/rgb', new URLSearchParams())).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('says not_found for unknown paths', async () => {
    await expect(router.handle('nothing/here', new URLSearchParams())).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('static files', () => {
  const root = mkdtempSync(join(tmpdir(), 'dve-static-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<html></html>')
  writeFileSync(join(root, 'assets', 'a.js'), 'x')
  writeFileSync(join(root, '..', 'dve-static-secret.txt'), 'secret')

  it('serves files inside the root with their type', async () => {
    expect((await readStaticFile(root, '/'))?.contentType).toContain('text/html')
    expect((await readStaticFile(root, '/assets/a.js'))?.contentType).toContain('javascript')
  })

  it('refuses anything outside the root', async () => {
    expect(await readStaticFile(root, '/../dve-static-secret.txt')).toBeNull()
    expect(await readStaticFile(root, '/%2e%2e/dve-static-secret.txt')).toBeNull()
    expect(await readStaticFile(root, '/assets/%00')).toBeNull()
    expect(isTraversal('/a/../b')).toBe(true)
    expect(isTraversal('/a/%2e%2e/b')).toBe(true)
    expect(isTraversal('/a/b.js')).toBe(false)
  })
})
