/**
 * `dve serve` (or `npm run serve`): the console in browser mode. Binds to 127.0.0.1 unless --host is
 * given and prints a URL with a random access token.
 */
import { parseArgs } from 'node:util'
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { createServices } from '../services/create-services'
import { appRoot, consolePaths } from '../platform/paths'
import { consoleVersion } from '../platform/version'
import { checkChosenToken, newToken } from './auth'
import { startBrowserHost } from './browser-host'
import { handleInterruption } from '../platform/interruption'
import { selfSignedTls, tlsFromFiles, type TlsMaterial } from './tls-certificate'

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    token: { type: 'string' },
    'data-root': { type: 'string', multiple: true, default: [] },
    tls: { type: 'boolean', default: false },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  console.log('Usage: dve serve [--host 127.0.0.1] [--port 0] [--token <token>] [--data-root <folder>]...')
  console.log('       (npm run serve -- … does the same)')
  console.log('  --data-root  a folder the Library may import from (repeatable; also DVE_DATA_ROOTS, a path list)')
  console.log(
    '  --tls        serve HTTPS with a self-signed certificate made on first run under the data folder (fingerprint printed)',
  )
  console.log('  --tls-cert <cert.pem> --tls-key <key.pem>   serve HTTPS with your certificate')
  process.exit(0)
}

const chosenToken = values.token ?? process.env.DVE_TOKEN
let token: string
try {
  token = chosenToken === undefined ? newToken() : checkChosenToken(chosenToken)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}

const staticRoot = join(appRoot(), 'out', 'renderer')
if (!existsSync(join(staticRoot, 'index.html'))) {
  console.error(`No built UI in ${staticRoot}. Run \`npm run build\` first (dve serve and npm run serve do this).`)
  process.exit(1)
}

if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
  console.error('Give both --tls-cert and --tls-key (or --tls for a self-signed certificate).')
  process.exit(2)
}
let tls: TlsMaterial | null = null
try {
  if (values['tls-cert'] && values['tls-key'])
    tls = await tlsFromFiles(resolve(values['tls-cert']), resolve(values['tls-key']))
  else if (values.tls) tls = await selfSignedTls(consolePaths().home, [values.host])
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}

const services = await createServices({
  host: 'browser',
  version: consoleVersion(),
  dataRoots: values['data-root'].map((root) => resolve(root)),
  echoLog: (line) => console.log(`[${line.level}] ${line.source}: ${line.message}`),
})
const host = await startBrowserHost({
  services,
  staticRoot,
  token,
  host: values.host,
  port: Number(values.port),
  ...(tls ? { tls } : {}),
})
if (values.host !== '127.0.0.1' && values.host !== 'localhost') {
  console.warn(`Warning: listening on ${values.host}; anyone who can reach it and has the token can use the console.`)
  if (!tls)
    console.warn(
      'Warning: plain HTTP: anyone on this network can read the token. Add --tls (self-signed) or --tls-cert/--tls-key.',
    )
}
if (tls)
  console.log(
    `TLS certificate ${tls.origin}\n  SHA-256 fingerprint ${tls.fingerprint256} (check it in the browser, or pin it in the client)`,
  )
console.log(`DVE Console (browser mode) at ${host.url}`)

// Ctrl-C / SIGTERM: close the sockets, cancel jobs and let them checkpoint, let the native call in
// flight return, then exit 130 / 143 with one line.
const interruption = handleInterruption({
  write: (line) => console.error(line),
  exitAfterStop: true,
  stop: async (signal) => {
    const running = (await services.api.jobs.list()).filter((j) => j.state === 'running')
    await host.close()
    await services.dispose()
    const stopped = running.map((j) => j.title).join(', ')
    console.error(
      `DVE Console stopped by ${signal} (exit ${interruption.exitCode()})${stopped ? `; stopped and saved: ${stopped}` : ''}.`,
    )
  },
})
