/**
 * The window showing a remote console: the server's own UI over its WebSocket transport, one origin
 * (the server's) for UI and data, its CSP from the server's headers. No preload — the remote page gets
 * no bridge into this machine. An in-memory session per connection holds the token as an HttpOnly
 * cookie (the page cannot read it, nothing reaches disk) and accepts only the pinned certificate.
 */
import { BrowserWindow, session } from 'electron'
import { lockNavigation } from '../window'
import { pinnedCertificateVerifier } from './certificate-pin'
import type { ConsoleServerUrl } from './server-url'

let connections = 0

export async function openRemoteWindow(
  url: ConsoleServerUrl,
  token: string,
  fingerprint256: string | null,
): Promise<BrowserWindow> {
  // No "persist:" prefix: the partition lives in memory and is gone with the window's session.
  const remote = session.fromPartition(`console-server-${++connections}`)
  remote.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  if (fingerprint256) remote.setCertificateVerifyProc(pinnedCertificateVerifier(url.hostname, fingerprint256))
  await remote.cookies.set({
    url: url.origin,
    name: url.cookieName,
    value: token,
    path: '/',
    httpOnly: true,
    secure: url.tls,
    sameSite: 'strict',
  })
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: `DVE Console — ${url.origin} (remote)`,
    webPreferences: {
      session: remote,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  lockNavigation(window.webContents, (target) => {
    try {
      return new URL(target).origin === url.origin
    } catch {
      return false
    }
  })
  void window.loadURL(`${url.origin}/`)
  return window
}
