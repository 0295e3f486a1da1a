/**
 * Bounded input: an image that declares 20000 × 20000 pixels is refused from its header, in the
 * import and on the frame route, in well under a second; text sidecars have a size limit; devices
 * and pipes are not read.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { encode } from 'fast-png'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConsoleError, type ImportReport } from '../../src-main/contract'
import type { Services } from '../../src-main/services/create-services'
import { decodePng } from '../../src-main/services/images/png-decoding'
import { maxTextSidecarBytes } from '../../src-main/services/security/source-confinement'
import { pngDeclaring, playground, startServices } from './security-kit'

let services: Services | null = null
afterEach(async () => {
  await services?.dispose()
  services = null
})

async function importReport(s: Services, path: string): Promise<ImportReport> {
  const { jobId } = await s.api.sessions.import({ path, options: {} })
  return s.api.sessions.importReport({ jobId })
}

describe('images are sized from their header before decoding', () => {
  it('skips a 20000 × 20000 colour and depth image in the import with a named reason, quickly', async () => {
    const ground = await playground()
    services = await startServices(ground, 'browser')
    writeFileSync(join(ground.tum, 'rgb', '1.png'), pngDeclaring(20000, 20000))
    writeFileSync(join(ground.tum, 'depth', '2.png'), pngDeclaring(20000, 20000, 16, 0))
    // Started before timing: the decoding threads' start-up (compiling them from source here) is not the case.
    await decodePng(encode({ width: 4, height: 4, data: new Uint16Array(16), depth: 16, channels: 1 }), 'warm-up.png')
    const rssBefore = process.memoryUsage().rss
    const started = performance.now()
    const report = await importReport(services, ground.tum)
    const seconds = (performance.now() - started) / 1000
    expect(report.imported).toBe(1)
    const reasons = report.skipped.map((s) => s.reason)
    expect(reasons).toHaveLength(2)
    for (const reason of reasons)
      expect(reason).toMatch(/the image declares 20000×20000 pixels; the console accepts up to 8192 px a side/)
    expect(seconds).toBeLessThan(1)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 2 ** 20)
  })

  it('refuses such a depth file on the frame route with the named error, in under a second', async () => {
    const ground = await playground()
    services = await startServices(ground, 'browser')
    const report = await importReport(services, ground.tum)
    const manifestPath = join(ground.home, 'sessions', report.sessionId, 'session.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { frames: Array<{ depth: string }> }
    writeFileSync(
      join(ground.home, 'sessions', report.sessionId, manifest.frames[1]!.depth),
      pngDeclaring(20000, 20000, 16, 0),
    )
    const started = performance.now()
    const error = await services.data.handle(`sessions/${report.sessionId}/frames/1/depth`, new URLSearchParams()).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).message).toMatch(/declares 20000×20000 pixels/)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('text sidecars are bounded', () => {
  it('refuses a pose file over the limit by name, without reading it into memory', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const row = '0.0 0 0 0 0 0 0 1\n'
    writeFileSync(join(ground.tum, 'groundtruth.txt'), row.repeat(Math.ceil((maxTextSidecarBytes + 1) / row.length)))
    const rssBefore = process.memoryUsage().rss
    const error = await importReport(services, ground.tum).then(
      () => null,
      (e: unknown) => e,
    )
    expect((error as ConsoleError).message).toMatch(
      /groundtruth\.txt: larger than the 16 MB allowed for a text sidecar/,
    )
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 2 ** 20)
  })

  it('reads no device or pipe in place of a sidecar', async () => {
    const ground = await playground()
    services = await startServices(ground, 'cli')
    const fifo = join(ground.tum, 'groundtruth.txt')
    try {
      execFileSync('mkfifo', [fifo])
    } catch {
      console.warn('mkfifo is not available: the pipe case is skipped.')
      return
    }
    const pipe = await importReport(services, ground.tum).then(
      () => null,
      (e: unknown) => e,
    )
    expect((pipe as ConsoleError).message).toMatch(/groundtruth\.txt: not a regular file/)
    // /dev/zero through a link in the source: the link leads outside, so it is not read at all.
    execFileSync('rm', [fifo])
    symlinkSync('/dev/zero', fifo)
    const zero = await importReport(services, ground.tum).then(
      () => null,
      (e: unknown) => e,
    )
    expect((zero as ConsoleError).message).toMatch(
      /groundtruth\.txt: file is missing or lies outside the source folder/,
    )
  })
})
