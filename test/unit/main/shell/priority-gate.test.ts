import { describe, expect, it } from 'vitest'
import { PriorityGate } from '../../../../src-main/services/priority-gate'
import type { DataRequest } from '../../../../src-main/services/data-router'

function request(background: boolean, abort = new AbortController()): DataRequest & { abort: AbortController } {
  return { signal: abort.signal, background, abort }
}

/** Work that runs until released, recording the order in which work started. */
function blocker(started: string[], name: string) {
  let release = () => {}
  const done = new Promise<void>((resolve) => (release = resolve))
  return {
    work: async () => {
      started.push(name)
      await done
      return name
    },
    release: () => release(),
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** A two-slot gate with both slots taken by foreground work that runs until released. */
function fullGate() {
  const gate = new PriorityGate(2)
  const started: string[] = []
  const a = blocker(started, 'fg-a')
  const b = blocker(started, 'fg-b')
  const running = [gate.run(request(false), a.work), gate.run(request(false), b.work)]
  return { gate, started, a, b, running }
}

describe('PriorityGate', () => {
  it('serves a foreground request before the prefetches queued ahead of it', async () => {
    const { gate, started, a, b, running } = fullGate()
    const prefetches = ['bg-1', 'bg-2', 'bg-3'].map((name) =>
      gate.run(request(true), async () => {
        started.push(name)
        return name
      }),
    )
    const seek = gate.run(request(false), async () => {
      started.push('seek')
      return 'seek'
    })
    await tick()
    expect(started).toEqual(['fg-a', 'fg-b'])
    expect(gate.queued).toBe(4)
    a.release()
    await expect(seek).resolves.toBe('seek')
    expect(started.slice(0, 3)).toEqual(['fg-a', 'fg-b', 'seek'])
    b.release()
    await Promise.all([...running, ...prefetches])
    expect(started.slice(3)).toEqual(['bg-1', 'bg-2', 'bg-3'])
  })

  it('keeps one slot for foreground work: prefetches alone never fill the gate', async () => {
    const gate = new PriorityGate(2)
    const started: string[] = []
    const prefetch = blocker(started, 'bg-1')
    const first = gate.run(request(true), prefetch.work)
    const second = gate.run(request(true), async () => {
      started.push('bg-2')
    })
    const seek = gate.run(request(false), async () => {
      started.push('seek')
    })
    await seek
    expect(started).toEqual(['bg-1', 'seek'])
    prefetch.release()
    await Promise.all([first, second])
    expect(started).toEqual(['bg-1', 'seek', 'bg-2'])
  })

  it('drops a queued request whose client aborted, without running its work', async () => {
    const { gate, a, b, running } = fullGate()
    const aborted = request(true)
    let ran = false
    const queued = gate.run(aborted, async () => {
      ran = true
    })
    await tick()
    aborted.abort.abort()
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' })
    expect(gate.queued).toBe(0)
    a.release()
    b.release()
    await Promise.all(running)
    expect(ran).toBe(false)
    // An already aborted request is refused at once.
    const gone = new AbortController()
    gone.abort()
    await expect(gate.run(request(false, gone), async () => 'never')).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('frees the slot of work that fails', async () => {
    const gate = new PriorityGate(2)
    await expect(
      gate.run(request(false), async () => {
        throw new Error('decode failed')
      }),
    ).rejects.toThrow('decode failed')
    const results = await Promise.all([1, 2, 3].map((n) => gate.run(request(false), async () => n)))
    expect(results).toEqual([1, 2, 3])
  })

  it('refuses fewer than two slots', () => {
    expect(() => new PriorityGate(1)).toThrow('at least 2 slots')
  })
})
