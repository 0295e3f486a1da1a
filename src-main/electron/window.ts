/**
 * The main window, locked down: isolated, sandboxed, no Node, no navigation, no new windows, no
 * permissions. Its page comes from the app scheme, so it shares one origin with the data plane.
 */
import { BrowserWindow, session, shell, type WebContents } from 'electron'
import { appEntryUrl } from './app-scheme'

/**
 * Navigation and new windows: a page may navigate only where `allowed` says (the views route by URL
 * hash, which is not a navigation); new windows are denied, https links open in the system browser.
 */
export function lockNavigation(webContents: WebContents, allowed: (url: string) => boolean): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!allowed(url)) event.preventDefault()
  }
  webContents.on('will-navigate', guard)
  webContents.on('will-redirect', guard)
  webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

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
  lockNavigation(window.webContents, () => false)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(appEntryUrl)
  return window
}
