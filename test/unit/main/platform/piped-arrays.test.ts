/**
 * Large arrays between the console and the native-work process: messages come out as they went in
 * (types, values, nesting, order), however the pipe splits the bytes and whichever side arrives
 * first; through a real forked process too.
 */
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { forkNativeProcess, type NativeProcess } from '../../../../src-main/platform/native-process'
import { PipedReceiver, pipedSender } from '../../../../src-main/platform/piped-arrays'
import { seededRandom } from '../../../../src-main/services/seeded-random'

function messages(): unknown[] {
  const random = seededRandom(7)
  const floats = Float32Array.from({ length: 50_000 }, () => random())
  const halves = Uint16Array.from({ length: 40_001 }, (_, i) => i % 65_536)
  return [
    { kind: 'small', values: new Uint8Array([1, 2, 3]) },
    { kind: 'embed', rgb: new Uint8Array(100_000).fill(9), depth: floats, nested: { halves, list: [halves] } },
    'plain text',
    { kind: 'view', part: new Int16Array(new Int16Array(100_000).fill(-3).buffer, 2_000, 40_000) },
  ]
}

/** Sends through a sender/receiver pair whose pipe re-chunks bytes at odd sizes and arrives at `when`. */
async function throughPipe(sent: unknown[], chunk: number, pipeFirst: boolean): Promise<unknown[]> {
  const pipe = new PassThrough()
  const wire = new PassThrough()
  const ipc: unknown[] = []
  const received: unknown[] = []
  const receiver = new PipedReceiver((m) => received.push(m), wire)
  const send = pipedSender((m) => ipc.push(structuredClone(m)), pipe)
  for (const m of sent) send(m)
  pipe.end()
  const bytes: Buffer[] = []
  for await (const piece of pipe) bytes.push(piece as Buffer)
  const all = Buffer.concat(bytes)
  const deliverIpc = () => ipc.forEach((m) => receiver.message(m))
  if (!pipeFirst) deliverIpc()
  for (let at = 0; at < all.length; at += chunk) wire.write(all.subarray(at, at + chunk))
  await new Promise((r) => setImmediate(r))
  if (pipeFirst) deliverIpc()
  return received
}

describe('piped arrays', () => {
  it('puts every message back together, in order, however the bytes are split and whichever side comes first', async () => {
    const sent = messages()
    for (const [chunk, pipeFirst] of [
      [65_536, false],
      [7_919, true],
      [1_000_003, false],
    ] as const)
      expect(await throughPipe(sent, chunk, pipeFirst)).toEqual(sent)
  })

  it('keeps small arrays in the message and pipes only the large ones', () => {
    const pipe = new PassThrough()
    let posted: unknown = null
    pipedSender((m) => (posted = m), pipe)({ a: new Uint8Array(10), b: new Float32Array(20_000) })
    expect(JSON.stringify(posted)).toContain('__dvePipedMessage')
    expect((posted as { body: { a: unknown } }).body.a).toBeInstanceOf(Uint8Array)
    expect(pipe.readableLength).toBe(80_000)
  })

  const started: NativeProcess[] = []
  afterAll(() => started.forEach((p) => p.kill()))
  it('crosses a real native-work process and back unchanged', async () => {
    const echo = forkNativeProcess({ path: join(import.meta.dirname, 'echo-native-entry.ts'), typescript: true })
    started.push(echo)
    const sent = messages()
    const back: unknown[] = []
    const done = new Promise<void>((resolve) =>
      echo.onMessage((m) => {
        back.push(m)
        if (back.length === sent.length) resolve()
      }),
    )
    for (const m of sent) echo.postMessage(m)
    await done
    expect(back).toEqual(sent)
  })
})
