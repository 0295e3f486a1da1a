/**
 * `dve bench seek`: Player seek latency. 100 random frame loads, each cold (the frame cache is
 * emptied before every load), fetched through the browser-mode HTTP host as the Player does (one
 * DVFB bundle per frame) and through the data plane without HTTP, against the bare work in the same
 * run: reading the RGB file and decoding the depth (and labels) PNG with the same decoders. Files
 * are pre-read so the OS cache is warm for all three alike.
 * Session: DVE_BENCH_SESSION, else the demo, else the first listed.
 */
import { readFile } from 'node:fs/promises'
import { Agent, get } from 'node:http'
import { join } from 'node:path'
import { dataPrefix, resourcePaths } from '../../contract'
import { startBrowserHost } from '../../server/browser-host'
import { newToken } from '../../server/auth'
import { createRecordings, demoSessionId } from '../../services/recordings/create-recordings'
import { DataRouter } from '../../services/data-router'
import { EventBus } from '../../services/event-bus'
import { JobRunner } from '../../services/jobs/job-runner'
import { Logger } from '../../services/logger'
import { decodeGreyPng } from '../../services/recordings/frame-decoding'
import { percentile } from './bench-stats'
import type { Bench, BenchRow } from './bench-types'

function randomFrames(count: number, frameCount: number, seed: number): number[] {
  let state = seed
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return (state >>> 8) % frameCount // the low bits of this generator repeat with a short period
  })
}

/** GET through node:http with a keep-alive agent (undici's fetch adds ~10 ms per call in-process). */
function httpGet(agent: Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () =>
        res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`)),
      )
    })
    req.on('error', reject)
  })
}

/** Times `fn` for each index, after `before` (untimed) for each. */
async function timeEach(
  indices: number[],
  fn: (index: number) => Promise<unknown>,
  before: () => void = () => undefined,
): Promise<number[]> {
  const times: number[] = []
  for (const index of indices) {
    before()
    const start = performance.now()
    await fn(index)
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)
}

export const seekBench: Bench = {
  name: 'seek',
  description: 'Player: seek latency (HTTP and data plane, cold frames) vs bare RGB read + depth PNG decode',
  async run(ctx, options) {
    const services = await ctx.services()
    const listed = await services.api.sessions.list()
    const id =
      process.env.DVE_BENCH_SESSION ?? (listed.some((s) => s.id === demoSessionId) ? demoSessionId : listed[0]?.id)
    if (!id) throw new Error('dve bench seek needs a session: import one, or ship resources/demo-recording.')
    // Own recordings parts on their own data router, so the bench can empty the frame cache.
    const data = new DataRouter()
    const events = new EventBus()
    const recordings = createRecordings({
      host: 'cli',
      paths: services.paths,
      data,
      jobs: new JobRunner(events),
      events,
      logger: new Logger(events),
    })
    const session = await recordings.store.get(id)
    const frames = session.manifest.frames
    const indices = randomFrames(options.quick ? 20 : 100, frames.length, 7)
    const cold = () => recordings.frameReader.forget(id)

    // Warm the OS file cache for every frame alike, so only decoding and serving differ.
    for (const index of new Set(indices)) {
      const frame = frames[index]!
      await Promise.all([frame.rgb, frame.depth, frame.labels].map((file) => file && readFile(join(session.dir, file))))
    }
    const bareLoad = async (index: number) => {
      const frame = frames[index]!
      await readFile(join(session.dir, frame.rgb))
      await decodeGreyPng(join(session.dir, frame.depth))
      if (frame.labels) await decodeGreyPng(join(session.dir, frame.labels))
    }
    for (const index of indices.slice(0, 3)) await bareLoad(index) // warm the decoders' code paths
    const bare = await timeEach(indices, bareLoad)
    const query = new URLSearchParams()
    const plane = await timeEach(
      indices,
      (index) => data.handle(resourcePaths.frameImage(id, index, 'bundle').slice(dataPrefix.length), query),
      cold,
    )
    const token = newToken()
    const agent = new Agent({ keepAlive: true })
    const host = await startBrowserHost({
      services: { ...services, data },
      staticRoot: join(services.paths.home, 'no-static'),
      token,
    })
    let http: number[]
    try {
      const origin = `http://127.0.0.1:${host.port}`
      http = await timeEach(
        indices,
        (index) => httpGet(agent, `${origin}${resourcePaths.frameImage(id, index, 'bundle')}`, token),
        cold,
      )
    } finally {
      agent.destroy()
      await host.close()
    }
    const { width, height } = session.manifest.camera
    const bareP50 = percentile(bare, 50)
    const rows: BenchRow[] = [
      { name: `session ${id}: ${width}×${height}, random cold loads`, value: indices.length, unit: 'loads' },
      { name: 'bare: read RGB + decode depth (and labels) PNG, p50', value: bareP50, unit: 'ms' },
      { name: 'bare p95', value: percentile(bare, 95), unit: 'ms' },
      {
        name: 'data plane (frame bundle), p50',
        value: percentile(plane, 50),
        unit: 'ms',
        ratio: { value: percentile(plane, 50) / bareP50, baseline: 'bare p50' },
      },
      { name: 'data plane p95', value: percentile(plane, 95), unit: 'ms' },
      {
        name: 'HTTP seek (1 bundle request), p50',
        value: percentile(http, 50),
        unit: 'ms',
        ratio: { value: percentile(http, 50) / bareP50, baseline: 'bare p50' },
      },
      {
        name: 'HTTP seek p95',
        value: percentile(http, 95),
        unit: 'ms',
        aim: '≤ 60 ms at 640×480 (server part; the Player shows its full seek time)',
      },
    ]
    return rows
  },
}
