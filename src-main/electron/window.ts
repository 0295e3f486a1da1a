/**
 * The main window, locked down: isolated, sandboxed, no Node, no navigation, no new windows, no
 * permissions. Its page comes from the app scheme, so it shares one origin with the data plane.
 */
import { BrowserWindow, session, shell } from 'electron'
import { appEntryUrl } from './app-scheme'

export function createMainWindow(preloadPath: string): BrowserWindow {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'DVE Console',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  // The views route by URL hash, which is not a navigation; any real navigation is refused.
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-redirect', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(appEntryUrl)
  return window
}
