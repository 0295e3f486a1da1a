// How `npm start` and `dve serve` / `npm run serve` start the console host: as a child that exits with
// the same code.
import { spawn } from 'node:child_process'

/**
 * Runs the host as a child and exits with its code. The child has its own process group, so a
 * terminal's Ctrl-C reaches this process only, and each signal is passed on once: the host takes a
 * second signal as "stop now". (A service manager that signals the whole group or cgroup would signal
 * the host twice: run `node out/main/server.js` there, as docs/LIVE.md shows.)
 * Not on Windows, where a detached child opens a console of its own and Ctrl-C reaches both anyway.
 */
export function runConsoleHost(command, args) {
  const ownGroup = process.platform !== 'win32'
  const child = spawn(command, args, { stdio: 'inherit', detached: ownGroup })
  if (ownGroup) for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 143 : 130)))
}
