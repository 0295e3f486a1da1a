/**
 * The whole preload: a generic bridge. Adding a service method never touches this file.
 * Sandboxed preloads are CommonJS and may import only `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

const requestChannel = 'dve:request'
const eventChannel = 'dve:event'
const pickPathChannel = 'dve:pick-path'
const consoleServerChannel = 'dve:console-server'

contextBridge.exposeInMainWorld('dveBridge', {
  request: (message: unknown): Promise<unknown> => ipcRenderer.invoke(requestChannel, message),
  /** The native open dialog (Library import); resolves to null when cancelled. */
  pickPath: (kind: unknown): Promise<unknown> => ipcRenderer.invoke(pickPathChannel, kind),
  /** "Connect to a console server…" (electron/console-server/): list, connect, forget, disconnect. */
  consoleServer: (request: unknown): Promise<unknown> => ipcRenderer.invoke(consoleServerChannel, request),
  onEvent: (listener: (message: unknown) => void): (() => void) => {
    const wrapped = (_event: IpcRendererEvent, message: unknown) => listener(message)
    ipcRenderer.on(eventChannel, wrapped)
    return () => ipcRenderer.removeListener(eventChannel, wrapped)
  },
})
