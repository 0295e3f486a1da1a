/** Electron entry: one composition root, the IPC host, the data protocol and the window. */
import { app, dialog } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServices, type Services } from '../services/create-services'
import { consoleVersion } from '../platform/version'
import { handleDataProtocol, registerDataScheme } from './data-protocol'
import { forwardEvents, registerIpcHost } from './ipc-host'
import { createMainWindow } from './window'

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..')
registerDataScheme()
let services: Services | null = null

app.whenReady().then(async () => {
  services = await createServices({ host: 'electron', version: consoleVersion() })
  handleDataProtocol(services)
  const window = createMainWindow(outDir)
  registerIpcHost(services, (sender) => sender === window.webContents)
  forwardEvents(services, window.webContents)
  app.on('window-all-closed', () => app.quit())
}).catch((error: unknown) => {
  dialog.showErrorBox('DVE Console failed to start', error instanceof Error ? error.message : String(error))
  app.exit(1)
})

app.on('will-quit', () => {
  void services?.dispose()
})
