/**
 * The whole preload: a generic bridge. Adding a service method never touches this file.
 * Sandboxed preloads are CommonJS and may import only `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

const requestChannel = 'dve:request'
const eventChannel = 'dve:event'

contextBridge.exposeInMainWorld('dveBridge', {
  request: (message: unknown): Promise<unknown> => ipcRenderer.invoke(requestChannel, message),
  onEvent: (listener: (message: unknown) => void): (() => void) => {
    const wrapped = (_event: IpcRendererEvent, message: unknown) => listener(message)
    ipcRenderer.on(eventChannel, wrapped)
    return () => ipcRenderer.removeListener(eventChannel, wrapped)
  },
})
