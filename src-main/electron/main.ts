/** Electron entry (out/main/index.js). */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServices } from '../services/create-services'
import { consoleVersion } from '../platform/version'
import { startElectronApp } from './electron-app'

startElectronApp({
  outDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  version: consoleVersion(),
  createServices,
})
