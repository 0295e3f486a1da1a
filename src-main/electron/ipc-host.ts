/** Electron host for requests and events: one generic ipcMain handler and an event forwarder. */
import { ipcMain, type WebContents } from 'electron'
import type { Services } from '../services/create-services'
import { dispatch } from '../services/dispatch'

export const requestChannel = 'dve:request'
export const eventChannel = 'dve:event'

export function registerIpcHost(services: Services, isTrustedSender: (sender: WebContents) => boolean): () => void {
  ipcMain.handle(requestChannel, async (event, message: unknown) => {
    if (!isTrustedSender(event.sender)) {
      return { kind: 'response', id: 0, ok: false, error: { code: 'invalid_input', message: 'Untrusted sender.' } }
    }
    return dispatch(services.api, message)
  })
  return () => ipcMain.removeHandler(requestChannel)
}

export function forwardEvents(services: Services, target: WebContents): () => void {
  return services.events.subscribe((name, payload) => {
    if (!target.isDestroyed()) target.send(eventChannel, { kind: 'event', name, payload })
  })
}
