/** `dve serve`: the browser-mode server from the CLI, a host child with the user's environment, stopped by one signal. */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ensureBuilt, repoRoot, temporaryHome } from './harness'

/** The direct children of a process (Linux). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number)
}

describe('dve serve', () => {
  it('serves the UI behind the token from a host that keeps the user’s malloc setting, and stops on one SIGTERM', async () => {
    ensureBuilt()
    const token = 'serve-e2e-token-0123456789abcdef'
    const env: NodeJS.ProcessEnv = { ...process.env, DVE_HOME: temporaryHome('serve'), DVE_TOKEN: token }
    // The console sets no GLIBC_TUNABLES of its own (docs/LIVE.md, "Memory on the robot"); the user's reaches the host.
    env.GLIBC_TUNABLES = 'glibc.malloc.arena_max=4'
    const server = spawn(process.execPath, [join(repoRoot, 'src-main/cli/dve.mjs'), 'serve', '--port', '0'], { env })
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve))
    // A failed assertion must not leave the server (and its host child, in a group of its own) running.
    onTestFinished(() => void (server.exitCode === null && server.signalCode === null && server.kill('SIGTERM')))
    await expect.poll(() => /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0], { timeout: 60_000 }).toBeTruthy()
    const base = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)![0]

    expect((await fetch(base)).status).toBe(401)
    const page = await fetch(`${base}?token=${token}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app">')

    if (process.platform === 'linux') {
      const [host] = childrenOf(server.pid!)
      expect(readFileSync(`/proc/${host}/environ`, 'utf8').split('\0')).toContain(
        'GLIBC_TUNABLES=glibc.malloc.arena_max=4',
      )
    }
    server.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect(output).toContain('stopped by SIGTERM')
    expect(output).not.toMatch(/again|without waiting/)
  })
})
