/**
 * A background thread lowers its own priority only: the process's other threads (the event loop that
 * records live frames) keep theirs. Checked in a real worker thread through /proc.
 */
import { readFileSync } from 'node:fs'
import { getPriority } from 'node:os'
import { Worker } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backgroundNice } from '../../../../src-main/platform/thread-priority'

const linux = process.platform === 'linux'

/** Nice value of a thread of this process, read from /proc (field 19 of stat). */
function threadNice(threadId: number): number {
  const stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
}

describe.skipIf(!linux)('lowerThreadPriority', () => {
  it("lowers the calling worker thread's priority and leaves the main thread's as it was", async () => {
    const before = getPriority()
    const module = pathToFileURL(join(process.cwd(), 'src-main', 'platform', 'thread-priority.ts')).href
    // The worker lowers itself, reports its thread id, and stays alive until the main thread has looked.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { readlinkSync } = require('node:fs');
       require('tsx/cjs/api').require(${JSON.stringify(new URL(module).pathname)}, __filename).lowerThreadPriority();
       parentPort.postMessage(Number(readlinkSync('/proc/thread-self').split('/').pop()));
       parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    )
    const threadId = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    expect(threadNice(threadId)).toBe(Math.max(before, backgroundNice))
    expect(getPriority()).toBe(before)
    expect(threadNice(Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]))).toBe(before)
    worker.postMessage('done')
    await new Promise((resolve) => worker.once('exit', resolve))
  })
})
