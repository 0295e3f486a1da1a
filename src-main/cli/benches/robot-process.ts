/**
 * `dve robot simulate` as a process of its own, as a robot is: the live bench's memory figures are
 * then the console's, not the simulator's decoding and send buffers.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface RobotProcess {
  url: string
  pid: number
  /** Stops the simulator; resolves with how many frames it published (NaN when it did not say). */
  stop(): Promise<number>
}

const startTimeoutMs = 120_000

export async function startRobotProcess(options: {
  sessionId: string
  rate: number
  home: string
}): Promise<RobotProcess> {
  // The same entry this CLI was started with (the source launcher or the built dve.js).
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1]!,
      'robot',
      'simulate',
      options.sessionId,
      '--port',
      '0',
      '--rate',
      String(options.rate),
      '--loop',
    ],
    { env: { ...process.env, DVE_HOME: options.home }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dve robot simulate did not start within ${startTimeoutMs / 1000} s`)),
      startTimeoutMs,
    )
    const check = (): void => {
      const found = /Publishing .* at (ws:\/\/\S+)/.exec(out)
      if (!found) return
      clearTimeout(timer)
      resolve(found[1]!)
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`dve robot simulate exited (code ${code}) before publishing: ${out.trim()}`))
    })
  })
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      await exited
      const published = /Published (\d+) frames/.exec(out)
      if (!published) process.stderr.write(`dve robot simulate did not say how many frames it published:\n${out}`)
      // NaN rather than a throw: the rest of a long run's figures still count.
      return published ? Number(published[1]) : Number.NaN
    },
  }
}
