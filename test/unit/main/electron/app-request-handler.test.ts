/** The app scheme's handler as a pure (Request) => Response: files, data plane, containment, HEAD, ranges. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConsoleError } from '../../../../src-main/contract'
import { createAppRequestHandler } from '../../../../src-main/electron/app-request-handler'
import { DataRouter } from '../../../../src-main/services/data-router'

const root = mkdtempSync(join(tmpdir(), 'dve-app-scheme-'))
const rendererRoot = join(root, 'renderer')
mkdirSync(join(rendererRoot, 'assets'), { recursive: true })
writeFileSync(join(rendererRoot, 'index.html'), '<!doctype html><title>DVE</title>')
writeFileSync(join(rendererRoot, 'assets', 'index.css'), 'body{}')
writeFileSync(join(root, 'secret.txt'), 'outside the renderer')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const payload = Uint8Array.from({ length: 100 }, (_, i) => i)
const data = new DataRouter()
data.register('frames/:index', async (params) => {
  if (params.index === 'bad') throw new ConsoleError('invalid_input', 'Frame index "bad" is not a number.')
  if (params.index === 'broken') throw new Error('disk on fire')
  return { body: payload, contentType: 'application/octet-stream', immutable: true }
})
const handle = createAppRequestHandler({ rendererRoot, data, contentSecurityPolicy: "default-src 'self'" })
const get = (url: string, init?: RequestInit) => handle(new Request(url, init))

describe('dve://app handler', () => {
  it('serves the renderer with content types, the CSP and no sniffing; / is index.html', async () => {
    for (const url of ['dve://app/', 'dve://app/index.html']) {
      const response = await get(url)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toBe("default-src 'self'")
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await response.text()).toBe('<!doctype html><title>DVE</title>')
    }
    expect((await get('dve://app/assets/index.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('serves the data plane on the same origin, mapping service errors to 400/404/500', async () => {
    const frame = await get('dve://app/data/frames/3')
    expect(frame.status).toBe(200)
    expect(frame.headers.get('content-type')).toBe('application/octet-stream')
    expect(frame.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(new Uint8Array(await frame.arrayBuffer())).toEqual(payload)
    expect((await get('dve://app/data/frames/bad')).status).toBe(400)
    expect((await get('dve://app/data/nothing/here')).status).toBe(404)
    const broken = await get('dve://app/data/frames/broken')
    expect(broken.status).toBe(500)
    expect(await broken.text()).toBe('disk on fire')
  })

  it('answers 404 for missing files, other hosts and paths outside the renderer; 400 for encoded traversal', async () => {
    expect((await get('dve://app/missing.js')).status).toBe(404)
    expect((await get('dve://elsewhere/index.html')).status).toBe(404)
    // The URL parser folds `..` and `%2e%2e`, so these land inside the root and find nothing.
    expect((await get('dve://app/../secret.txt')).status).toBe(404)
    expect((await get('dve://app/%2e%2e/secret.txt')).status).toBe(404)
    expect((await get('dve://app//etc/passwd')).status).toBe(404)
    // Encoded separators survive the parser: refused outright.
    expect((await get('dve://app/assets/..%2F..%2Fsecret.txt')).status).toBe(400)
    expect((await get('dve://app/data/frames/..%2F..%2Fsecret.txt')).status).toBe(400)
    expect((await get('dve://app/assets%5C..%5C..%5Csecret.txt')).status).toBe(400)
    for (const url of ['dve://app/../secret.txt', 'dve://app/assets/..%2F..%2Fsecret.txt']) {
      expect(await (await get(url)).text()).not.toContain('outside the renderer')
    }
  })

  it('answers HEAD with the headers and no body, and refuses other methods', async () => {
    const head = await get('dve://app/data/frames/1', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('100')
    expect(head.body).toBeNull()
    const post = await get('dve://app/index.html', { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('answers ranges with 206 and Content-Range, suffix ranges too, and 416 past the end', async () => {
    const part = await get('dve://app/data/frames/1', { headers: { Range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 10-19/100')
    expect(part.headers.get('content-length')).toBe('10')
    expect(Array.from(new Uint8Array(await part.arrayBuffer()))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    const open = await get('dve://app/data/frames/1', { headers: { Range: 'bytes=95-' } })
    expect(open.headers.get('content-range')).toBe('bytes 95-99/100')
    const suffix = await get('dve://app/data/frames/1', { headers: { Range: 'bytes=-3' } })
    expect(Array.from(new Uint8Array(await suffix.arrayBuffer()))).toEqual([97, 98, 99])
    const clipped = await get('dve://app/index.html', { headers: { Range: 'bytes=0-9999' } })
    expect(clipped.status).toBe(206)
    expect(clipped.headers.get('content-range')).toBe('bytes 0-32/33')
    const past = await get('dve://app/data/frames/1', { headers: { Range: 'bytes=100-' } })
    expect(past.status).toBe(416)
    expect(past.headers.get('content-range')).toBe('bytes */100')
    const several = await get('dve://app/data/frames/1', { headers: { Range: 'bytes=0-1,5-6' } })
    expect(several.status).toBe(200)
    expect(several.headers.get('accept-ranges')).toBe('bytes')
  })
})
