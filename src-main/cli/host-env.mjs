// How `npm start`, `dve serve` / `npm run serve`, `dve live` and `dve bench` start the console host.
// On Linux, glibc's mmap threshold is fixed at 128 KiB: a live session frees big buffers all the time
// (frames, decoded images), and under glibc's moving threshold they stayed in malloc arenas instead of
// going back to the system (docs/LIVE.md, "Memory on the robot"). A GLIBC_TUNABLES the user set is kept.
import { spawn } from 'node:child_process'
import { fixedMmapThreshold } from '../platform/malloc-threshold.mjs'

export { fixedMmapThreshold }

/** The host's environment, or null when it is this process's own (then the host can run in this process). */
export function consoleHostEnv(env = process.env, platform = process.platform) {
  if (platform !== 'linux' || env.GLIBC_TUNABLES !== undefined) return null
  return { ...env, GLIBC_TUNABLES: fixedMmapThreshold }
}

/**
 * Runs the host as a child and exits with its code. The child has its own process group, so a
 * terminal's Ctrl-C reaches this process only, and each signal is passed on once: the host takes a
 * second signal as "stop now". (A service manager that signals the whole group or cgroup would signal
 * the host twice: run `node out/main/server.js` there, with GLIBC_TUNABLES set, as docs/LIVE.md shows.)
 * Not on Windows, where a detached child opens a console of its own and Ctrl-C reaches both anyway.
 */
export function runConsoleHost(command, args) {
  const ownGroup = process.platform !== 'win32'
  const child = spawn(command, args, { stdio: 'inherit', env: consoleHostEnv() ?? process.env, detached: ownGroup })
  if (ownGroup) for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 143 : 130)))
}
