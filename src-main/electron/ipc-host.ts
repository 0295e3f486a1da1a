/** Electron host for requests and events: one generic ipcMain handler and an event forwarder. */
import { dialog, ipcMain, type WebContents } from 'electron'
import type { Services } from '../services/create-services'
import { dispatch } from '../services/dispatch'

export const requestChannel = 'dve:request'
export const eventChannel = 'dve:event'
export const pickPathChannel = 'dve:pick-path'

export function registerIpcHost(services: Services, isTrustedSender: (sender: WebContents) => boolean): () => void {
  ipcMain.handle(requestChannel, async (event, message: unknown) => {
    if (!isTrustedSender(event.sender)) {
      return { kind: 'response', id: 0, ok: false, error: { code: 'invalid_input', message: 'Untrusted sender.' } }
    }
    return dispatch(services.api, message)
  })
  // The renderer never sees the disk; the user picks a path in the host's own dialog, and only what
  // was picked there (or the data folder) passes the path policy afterwards (docs/SECURITY.md).
  ipcMain.handle(pickPathChannel, async (event, kind: unknown): Promise<string | null> => {
    if (!isTrustedSender(event.sender)) return null
    if (kind === 'save') {
      const saved = await dialog.showSaveDialog({ title: 'Export to' })
      if (saved.canceled || !saved.filePath) return null
      await services.policy.grant(saved.filePath, 'write')
      return saved.filePath
    }
    const result = await dialog.showOpenDialog({
      title: kind === 'file' ? 'Import a recording file' : 'Import a recording folder',
      properties: [kind === 'file' ? 'openFile' : 'openDirectory'],
      filters:
        kind === 'file'
          ? [
              { name: 'Recordings', extensions: ['mcap'] },
              { name: 'All files', extensions: ['*'] },
            ]
          : [],
    })
    const picked = result.canceled ? null : (result.filePaths[0] ?? null)
    if (picked) await services.policy.grant(picked, 'read')
    return picked
  })
  return () => {
    ipcMain.removeHandler(requestChannel)
    ipcMain.removeHandler(pickPathChannel)
  }
}

export function forwardEvents(services: Services, target: WebContents): () => void {
  return services.events.subscribe((name, payload) => {
    if (!target.isDestroyed()) target.send(eventChannel, { kind: 'event', name, payload })
  })
}
