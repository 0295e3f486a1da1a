/** The main window, locked down: isolated, sandboxed, no Node, no navigation, no new windows. */
import { BrowserWindow, session, shell } from 'electron'
import { join } from 'node:path'
import { contentSecurityPolicy } from '../platform/content-security'
import { dataScheme } from './data-protocol'

export function createMainWindow(outDir: string): BrowserWindow {
  const csp = contentSecurityPolicy([`${dataScheme}:`], [`${dataScheme}:`])
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'DVE Console',
    show: false,
    webPreferences: {
      preload: join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  void window.loadFile(join(outDir, 'renderer', 'index.html'))
  return window
}
