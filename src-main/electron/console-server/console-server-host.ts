/**
 * The Electron host's side of "Connect to a console server…": one IPC channel answering only the
 * local window, the remembered servers, and at most one remote window ("Disconnect" closes it and
 * brings the local console back to the front).
 */
import { ipcMain, type BrowserWindow, type WebContents } from 'electron'
import { consoleServerRequestSchema, type ConsoleServerReply } from '../../contract'
import { connectFlow, type ServerProbe } from './connect-flow'
import { openRemoteWindow } from './remote-window'
import { checkToken, presentedFingerprint } from './server-probe'
import type { ConsoleServerStore } from './server-store'

export const consoleServerChannel = 'dve:console-server'

export interface ConsoleServerHostOptions {
  store: ConsoleServerStore
  isTrustedSender: (sender: WebContents) => boolean
  /** Brings the local console to the front (after a disconnect). */
  focusLocal: () => void
  probe?: ServerProbe
  openWindow?: typeof openRemoteWindow
}

const refused = (message: string): ConsoleServerReply => ({ kind: 'refused', message })

export function registerConsoleServerHost(options: ConsoleServerHostOptions): () => void {
  const { store } = options
  const probe = options.probe ?? { presentedFingerprint, checkToken }
  const openWindow = options.openWindow ?? openRemoteWindow
  let remote: { origin: string; window: BrowserWindow } | null = null
  const closeRemote = (): void => {
    const window = remote?.window
    remote = null
    if (window && !window.isDestroyed()) window.close()
  }
  const servers = async (): Promise<ConsoleServerReply> => ({
    kind: 'servers',
    servers: await store.list(),
    connected: remote?.origin ?? null,
    tokenStorage: store.tokensKept() ? 'encrypted' : 'unavailable',
  })

  ipcMain.handle(consoleServerChannel, async (event, raw: unknown): Promise<ConsoleServerReply> => {
    if (!options.isTrustedSender(event.sender)) return refused('Untrusted sender.')
    const parsed = consoleServerRequestSchema.safeParse(raw)
    if (!parsed.success)
      return refused(`Not a console server request (${parsed.error.issues[0]?.message ?? 'invalid'}).`)
    const request = parsed.data
    try {
      if (request.op === 'connect') {
        const outcome = await connectFlow(request, store, probe)
        if (!outcome.open) return outcome.reply
        closeRemote()
        const { url, token, fingerprint256 } = outcome.open
        const window = await openWindow(url, token, fingerprint256)
        remote = { origin: url.origin, window }
        window.on('closed', () => {
          if (remote?.window !== window) return
          remote = null
          options.focusLocal()
        })
        return outcome.reply
      }
      if (request.op === 'forget') await store.forget(request.origin)
      if (request.op === 'disconnect') {
        closeRemote()
        options.focusLocal()
      }
      return await servers()
    } catch (error) {
      return refused(error instanceof Error ? error.message : String(error))
    }
  })
  return () => {
    ipcMain.removeHandler(consoleServerChannel)
    closeRemote()
  }
}
