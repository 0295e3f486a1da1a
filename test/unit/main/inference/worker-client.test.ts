/** The worker client's queue, cancellation and crash handling, with the real native-work process. */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { forkNativeProcess, type NativeProcess } from '../../../../src-main/platform/native-process'
import { InferenceWorkerClient } from '../../../../src-main/services/inference/worker-client'
import { fixturePacks } from './inference-test-kit'
import { cpuChoice } from '../../../../src-main/services/inference/provider-options'

const clients: InferenceWorkerClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose()
})

function makeClient(slowCallMs = 3000) {
  const workers: NativeProcess[] = []
  const lines: string[] = []
  const client = new InferenceWorkerClient({
    log: { info: (_s, m) => lines.push(`info ${m}`), warn: (_s, m) => lines.push(`warn ${m}`) },
    launch: (entry) => {
      const worker = forkNativeProcess(entry)
      workers.push(worker)
      return worker
    },
    slowCallMs,
  })
  clients.push(client)
  return { client, workers, lines }
}

const textFeeds = () => ({
  input_ids: { type: 'int64' as const, dims: [1, 8], data: BigInt64Array.from([1n, 3n, 4n, 2n, 2n, 2n, 2n, 2n]) },
  attention_mask: { type: 'int64' as const, dims: [1, 8], data: BigInt64Array.from([1n, 1n, 1n, 1n, 0n, 0n, 0n, 0n]) },
})

describe('inference worker client', () => {
  it('runs a session and reports slow calls', async () => {
    const { client, lines } = makeClient(0)
    const loaded = await client.load('text', join(fixturePacks, 'tiny/text.onnx'), [cpuChoice])
    expect(loaded.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask'])
    const response = await client.request(
      { kind: 'run', sessionKey: 'text', feeds: textFeeds(), fetches: ['text_embeds'] },
      'interactive',
    )
    expect(response.outputs.text_embeds?.dims).toEqual([1, 8])
    expect(lines.some((l) => /^warn Slow call: run text took/.test(l))).toBe(true)
  })

  it('drops a cancelled queued call without sending it, and lets interactive calls overtake batch ones', async () => {
    const { client } = makeClient()
    await client.load('text', join(fixturePacks, 'tiny/text.onnx'), [cpuChoice])
    const order: string[] = []
    const run = (name: string, priority: 'batch' | 'interactive', signal?: AbortSignal) =>
      client
        .request({ kind: 'run', sessionKey: 'text', feeds: textFeeds(), fetches: ['text_embeds'] }, priority, signal)
        .then(() => order.push(name))
    const controller = new AbortController()
    const calls = [
      run('b1', 'batch'),
      run('b2', 'batch', controller.signal),
      run('b3', 'batch'),
      run('i1', 'interactive'),
    ]
    controller.abort()
    const results = await Promise.allSettled(calls)
    expect(results[1]?.status).toBe('rejected')
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/cancelled/)
    expect(order).toEqual(['b1', 'i1', 'b3'])
  })

  it('fails the call in flight with a clear error when the worker dies, then works on a new worker', async () => {
    const { client, workers, lines } = makeClient()
    await client.load('text', join(fixturePacks, 'tiny/text.onnx'), [cpuChoice])
    const pending = client.request(
      { kind: 'run', sessionKey: 'text', feeds: textFeeds(), fetches: ['text_embeds'] },
      'interactive',
    )
    workers[0]?.kill()
    await expect(pending).rejects.toThrow(
      /native-work process crashed \(killed by SIGTERM\) while running a model; it was restarted/,
    )
    const after = await client.request(
      { kind: 'run', sessionKey: 'text', feeds: textFeeds(), fetches: ['text_embeds'] },
      'interactive',
    )
    expect(after.outputs.text_embeds?.dims).toEqual([1, 8])
    expect(workers).toHaveLength(2)
    expect(lines.some((l) => /Reloaded text on cpu/.test(l))).toBe(true)
  })

  it('names the file when an ONNX model does not load', async () => {
    const { client } = makeClient()
    await expect(client.load('x', join(fixturePacks, 'tiny/model.json'), [cpuChoice])).rejects.toThrow(
      /model\.json on any execution provider \(cpu: /,
    )
  })
})
