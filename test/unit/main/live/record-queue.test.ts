/** The live recorder's queue: in order, bounded when the computer is slower than the stream, and not stopped by one failure. */
import { describe, expect, it } from 'vitest'
import { RecordQueue } from '../../../../src-main/services/live/record-queue'

function queue(record: (item: number) => Promise<void>, max = 3) {
  const told: string[] = []
  const q = new RecordQueue<number>(record, {
    max,
    warnAt: 2,
    onBehind: (waiting) => told.push(`behind ${waiting}`),
    onRefused: (refused) => told.push(`refused ${refused}`),
    onError: (error) => told.push(`error ${(error as Error).message}`),
  })
  return { q, told }
}

describe('record queue', () => {
  it('records in order and refuses what would exceed its bound', async () => {
    const recorded: number[] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { q, told } = queue(async (item) => {
      await gate
      recorded.push(item)
    })
    expect([1, 2, 3, 4, 5].map((item) => q.push(item))).toEqual([true, true, true, false, false])
    expect(q.waiting).toBe(3)
    expect(told).toEqual(['behind 2', 'refused 1', 'refused 2'])
    release()
    await q.idle()
    expect(recorded).toEqual([1, 2, 3])
    expect(q.waiting).toBe(0)
    // Room again once the backlog is written.
    expect(q.push(6)).toBe(true)
    await q.idle()
    expect(recorded).toEqual([1, 2, 3, 6])
    expect(q.refused).toBe(2)
  })

  it('goes on recording after one item failed, and says why it failed', async () => {
    const recorded: number[] = []
    const { q, told } = queue(async (item) => {
      if (item === 2) throw new Error('disk full')
      recorded.push(item)
    }, 10)
    for (const item of [1, 2, 3]) q.push(item)
    await q.idle()
    expect(recorded).toEqual([1, 3])
    expect(told).toContain('error disk full')
    expect(q.waiting).toBe(0)
  })
})
