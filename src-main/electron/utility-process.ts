/** The native-work process in Electron: a `utilityProcess` (a Node child with Electron's process model). */
import { utilityProcess } from 'electron'
import type { NativeEntry, NativeProcess } from '../platform/native-process'

/** Built entries only: Electron runs `out/main/*.js` (from the checkout or from app.asar). */
export function launchUtilityProcess(entry: NativeEntry): NativeProcess {
  const child = utilityProcess.fork(entry.path, [], { serviceName: 'dve-native-work', stdio: 'inherit' })
  let exited = false
  child.once('exit', () => (exited = true))
  return {
    postMessage: (message) => {
      if (!exited) child.postMessage(message)
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', (code) => listener(`exit code ${code}`)),
    kill: () => {
      if (!exited) child.kill()
    },
    // The window keeps the app alive; nothing to do.
    setKeepsHostAlive: () => undefined,
  }
}
