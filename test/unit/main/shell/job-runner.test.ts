import { describe, expect, it } from 'vitest'
import { ConsoleError, type JobInfo } from '../../../../src-main/contract'
import { EventBus } from '../../../../src-main/services/event-bus'
import { JobRunner } from '../../../../src-main/services/jobs/job-runner'

function runnerWithLog() {
  const events = new EventBus()
  const seen: JobInfo[] = []
  events.subscribe((name, payload) => {
    if (name === 'job') seen.push(payload as JobInfo)
  })
  return { runner: new JobRunner(events), seen }
}

describe('JobRunner', () => {
  it('reports progress, rate and an ETA, and ends done', async () => {
    const { runner, seen } = runnerWithLog()
    const job = runner.start('demo', 'Demo', async (ctx) => {
      for (let i = 1; i <= 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 120))
        ctx.progress(i, 4, `step ${i}`)
      }
      return 'result'
    })
    expect(await job.result).toBe('result')
    const last = seen.filter((j) => j.id === job.id).at(-1)
    expect(last?.state).toBe('done')
    const mid = seen.find((j) => j.id === job.id && j.done === 2)
    expect(mid?.rate).toBeGreaterThan(0)
    expect(mid?.etaSeconds).toBeGreaterThan(0)
    expect(mid?.etaSeconds).toBeLessThan(5)
  })

  it('cancels a running job: the work sees the signal and the job ends cancelled', async () => {
    const { runner } = runnerWithLog()
    let iterations = 0
    const job = runner.start('loop', 'Loop', async (ctx) => {
      for (;;) {
        ctx.throwIfCancelled()
        iterations++
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await runner.cancel({ id: job.id })).toEqual({ cancelled: true })
    const error = await job.result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).code).toBe('cancelled')
    expect((await runner.list()).find((j) => j.id === job.id)?.state).toBe('cancelled')
    expect(iterations).toBeGreaterThan(0)
  })

  it('records a failure with its message', async () => {
    const { runner } = runnerWithLog()
    const job = runner.start('bad', 'Bad', async () => {
      throw new Error('frame 3: depth missing')
    })
    await expect(job.result).rejects.toThrow('depth missing')
    const info = (await runner.list()).find((j) => j.id === job.id)
    expect(info?.state).toBe('failed')
    expect(info?.error).toBe('frame 3: depth missing')
  })

  it('says not_found for an unknown job', async () => {
    const { runner } = runnerWithLog()
    await expect(runner.cancel({ id: 'x' })).rejects.toMatchObject({ code: 'not_found' })
  })
})
