/**
 * Asks a console server two things before a window opens, so each failure is one clear message:
 * which certificate it presents (nothing is sent), and whether the token opens it — sent only over a
 * connection whose certificate was checked against the pin first.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { ConsoleError, normaliseFingerprint } from '../../contract'
import type { ConsoleServerUrl } from './server-url'

const timeoutMs = 8_000

function describe(origin: string, error: NodeJS.ErrnoException): ConsoleError {
  const code = error.code ?? ''
  const why =
    code === 'ECONNREFUSED'
      ? 'nothing answers there (connection refused); is `dve serve --host 0.0.0.0` running on it?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its name is not found on this network; try its IP address'
        : code === 'ETIMEDOUT' || code === 'timeout'
          ? `no answer within ${timeoutMs / 1000} s`
          : /wrong version number|packet length too long|EPROTO/i.test(`${code} ${error.message}`)
            ? 'it does not speak TLS (started without --tls?); start it with `dve serve --tls`'
            : error.message
  return new ConsoleError('not_found', `${origin}: ${why}`)
}

/** A TLS connection to the server; with `pin`, one that presents exactly that certificate. */
function openTls(url: ConsoleServerUrl, pin: string | null): Promise<{ socket: TLSSocket; fingerprint256: string }> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port: url.port,
      ...(isIP(host) ? {} : { servername: host }),
      // The pin (or the person's confirmation) is the trust: self-signed certificates are the norm here.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    })
    socket.once('timeout', () => socket.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })))
    socket.once('error', (error) => reject(describe(url.origin, error)))
    socket.once('secureConnect', () => {
      const fingerprint256 = socket.getPeerX509Certificate()?.fingerprint256 ?? ''
      if (pin !== null && normaliseFingerprint(pin) !== normaliseFingerprint(fingerprint256)) {
        socket.destroy()
        reject(new ConsoleError('unsupported', `${url.origin}: the certificate is not the pinned one.`))
      } else resolve({ socket, fingerprint256 })
    })
  })
}

export async function presentedFingerprint(url: ConsoleServerUrl): Promise<string> {
  const { socket, fingerprint256 } = await openTls(url, null)
  socket.destroy()
  return fingerprint256
}

/** Resolves when the token opens the server; a clear refusal otherwise. */
export async function checkToken(url: ConsoleServerUrl, token: string, pin: string | null): Promise<void> {
  const tls = url.tls ? await openTls(url, pin) : null
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      method: 'HEAD',
      path: '/',
      headers: { Authorization: `Bearer ${token}` },
      timeout: timeoutMs,
      ...(tls ? { createConnection: () => tls.socket } : {}),
    })
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })))
    req.once('error', (error) => reject(describe(url.origin, error)))
    req.once('response', resolve)
    req.end()
  })
  response.resume()
  const status = response.statusCode ?? 0
  if (status >= 200 && status < 300) return
  if (status === 401 || status === 403)
    throw new ConsoleError(
      'unsupported',
      `${url.origin}: the token is not this server's (HTTP ${status}); copy it from what \`dve serve\` printed.`,
    )
  if (status === 421)
    throw new ConsoleError(
      'unsupported',
      `${url.origin}: the server does not answer to the name ${url.hostname} (DNS rebinding guard); connect by IP address, or start it with DVE_ALLOWED_HOSTS=${url.hostname}.`,
    )
  throw new ConsoleError(
    'unsupported',
    `${url.origin} answered HTTP ${status}; is it a DVE console server (\`dve serve\`)?`,
  )
}
