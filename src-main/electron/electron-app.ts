/**
 * The Electron main process: the app scheme registered before ready, one instance, one composition
 * root, the scheme's handler, the IPC host, the window, and "Connect to a console server…". Quitting waits for jobs to stop and files
 * to be written. `main.ts` calls this; host tests call it with a fake `electron` and fake services.
 */
import { app, dialog, protocol, type BrowserWindow } from 'electron'
import { join } from 'node:path'
import type { Services, ServicesConfig } from '../services/create-services'
import { contentSecurityPolicy } from '../platform/content-security'
import { appScheme, privilegedSchemes } from './app-scheme'
import { createAppRequestHandler } from './app-request-handler'
import { registerConsoleServerHost } from './console-server/console-server-host'
import { ConsoleServerStore } from './console-server/server-store'
import { safeStorageVault } from './console-server/token-vault'
import { forwardEvents, registerIpcHost } from './ipc-host'
import { launchUtilityProcess } from './utility-process'
import { createMainWindow } from './window'

export interface ElectronAppOptions {
  /** `out/` of the build: holds `renderer/` and `preload/`. */
  outDir: string
  version: string
  createServices: (config: ServicesConfig) => Promise<Services>
}

export interface ElectronApp {
  /** Resolves once the window is up (or the start failed, or another instance owns the app). */
  started: Promise<void>
}

export function startElectronApp(options: ElectronAppOptions): ElectronApp {
  // Electron accepts one registration, and only before ready.
  protocol.registerSchemesAsPrivileged(privilegedSchemes)
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return { started: Promise.resolve() }
  }
  let services: Services | null = null
  let window: BrowserWindow | null = null
  let quitting = false

  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (event) => {
    if (!services || quitting) return
    // Hold the quit until jobs have stopped and their writes are done, then quit for real.
    event.preventDefault()
    quitting = true
    const closing = services
    services = null
    void closing.dispose().finally(() => app.quit())
  })

  const started = app
    .whenReady()
    .then(async () => {
      const created = await options.createServices({
        host: 'electron',
        version: options.version,
        launchNative: launchUtilityProcess,
      })
      services = created
      protocol.handle(
        appScheme,
        createAppRequestHandler({
          rendererRoot: join(options.outDir, 'renderer'),
          data: created.data,
          contentSecurityPolicy: contentSecurityPolicy(),
        }),
      )
      const opened = createMainWindow(join(options.outDir, 'preload', 'index.cjs'))
      window = opened
      opened.on('closed', () => (window = null))
      registerIpcHost(created, (sender) => sender === opened.webContents)
      registerConsoleServerHost({
        store: new ConsoleServerStore(join(created.paths.home, 'console-servers.json'), safeStorageVault),
        isTrustedSender: (sender) => sender === opened.webContents,
        focusLocal: () => window?.focus(),
      })
      forwardEvents(created, opened.webContents)
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('DVE Console failed to start', error instanceof Error ? error.message : String(error))
      app.exit(1)
    })
  return { started }
}
