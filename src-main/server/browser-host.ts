/**
 * Browser-mode host: HTTP for the built UI and binary data, WebSocket for requests and events.
 * Every request needs the token (401 otherwise); the socket checks token and Origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  backgroundPriority,
  dataPrefix,
  dataPriorityHeader,
  maxRequestBytes,
  toWireError,
  type ServerMessage,
} from '../contract'
import type { Services } from '../services/create-services'
import { dispatch } from '../services/dispatch'
import { contentSecurityPolicy } from '../platform/content-security'
import { hostAllowed, requestToken, tokenCookieHeader, tokenMatches } from './auth'
import { isTraversal, readStaticFile } from './static-files'

export interface BrowserHostOptions {
  services: Services
  staticRoot: string
  token: string
  host?: string
  port?: number
  /** Host names besides IP literals and localhost that the Host header may carry (DVE_ALLOWED_HOSTS). */
  allowedHostNames?: string[]
  /** Bytes a client may leave unread before it is disconnected (default 16 MiB). */
  maxClientBacklogBytes?: number
  /** Serve HTTPS / WSS with this certificate (server/tls-certificate.ts). */
  tls?: { cert: string; key: string }
}

export interface BrowserHost {
  /** URL to open, carrying the token. */
  url: string
  port: number
  /** Open WebSocket clients. */
  clientCount(): number
  close(): Promise<void>
}

const defaultBacklogBytes = 16 * 2 ** 20

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { services, token } = options
  const host = options.host ?? '127.0.0.1'
  const allowedNames = [
    ...(options.allowedHostNames ?? []),
    ...(process.env.DVE_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((n) => n.trim().toLowerCase())
      .filter(Boolean),
  ]
  // Assigned once listening, before any request can arrive.
  let port = 0
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostAllowed(req.headers.host, port, allowedNames)) {
      sendText(
        res,
        421,
        'Misdirected request: the Host header names neither an IP address nor localhost (DNS rebinding guard; see DVE_ALLOWED_HOSTS).',
      )
      return
    }
    handleHttp(req, res, options, port).catch((error: unknown) => {
      sendText(res, 500, toWireError(error).message)
    })
  }
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createServer(handler)
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxRequestBytes })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (
      url.pathname !== '/rpc' ||
      !hostAllowed(req.headers.host, port, allowedNames) ||
      !tokenMatches(token, requestToken(req, port)) ||
      !originAllowed(req)
    ) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) =>
      serveSocket(ws, services, options.maxClientBacklogBytes ?? defaultBacklogBytes),
    )
  })
  await listen(server, options.port ?? 0, host)
  port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/?token=${token}`,
    port,
    clientCount: () => sockets.clients.size,
    close: async () => {
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>((resolve) => sockets.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function serveSocket(ws: WebSocket, services: Services, maxBacklogBytes: number): void {
  let dropped = false
  const send = (message: ServerMessage) => {
    if (dropped || ws.readyState !== ws.OPEN) return
    // A client that stops reading (a sleeping tablet, a stalled proxy) would grow our memory with
    // every event; past the limit it is dropped and reconnects when it wakes.
    if (ws.bufferedAmount > maxBacklogBytes) {
      dropped = true
      const unreadMb = (ws.bufferedAmount / 2 ** 20).toFixed(1)
      ws.terminate()
      services.logger.warn('server', `A client left ${unreadMb} MB unread; disconnected it.`)
      return
    }
    ws.send(JSON.stringify(message))
  }
  const unsubscribe = services.events.subscribe((name, payload) => send({ kind: 'event', name, payload }))
  ws.on('message', (raw) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString())
    } catch {
      send({ kind: 'response', id: 0, ok: false, error: { code: 'invalid_input', message: 'Request is not JSON.' } })
      return
    }
    void dispatch(services.api, parsed).then(send)
  })
  ws.on('close', unsubscribe)
  // Oversized or broken frames surface here; ws closes the socket itself (1009), the server stays up.
  ws.on('error', () => ws.terminate())
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  options: BrowserHostOptions,
  port: number,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const given = requestToken(req, port)
  if (!tokenMatches(options.token, given)) {
    sendText(res, 401, 'Unauthorized: open the URL printed by `npm run serve` (it carries the access token).')
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Only GET is served over HTTP; requests go over the WebSocket.')
    return
  }
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/'
  if (isTraversal(rawPath)) {
    sendText(res, 400, 'Path traversal is not allowed.')
    return
  }
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  }
  // Trade a token in the URL for a cookie, then drop it from the address bar.
  if (url.searchParams.has('token'))
    headers['Set-Cookie'] = tokenCookieHeader(options.token, port, Boolean(options.tls))

  if (url.pathname.startsWith(dataPrefix)) {
    // A client that aborts (a seek replacing a prefetch) closes its request: the service stops its work.
    const gone = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) gone.abort()
    })
    try {
      const data = await options.services.data.handle(url.pathname.slice(dataPrefix.length), url.searchParams, {
        signal: gone.signal,
        background: req.headers[dataPriorityHeader] === backgroundPriority,
      })
      res.writeHead(200, {
        ...headers,
        'Content-Type': data.contentType,
        'Content-Length': String(data.body.byteLength),
        'Cache-Control': data.immutable ? 'private, max-age=3600' : 'no-store',
      })
      res.end(req.method === 'HEAD' ? undefined : data.body)
    } catch (error) {
      const wire = toWireError(error)
      sendText(res, wire.code === 'not_found' ? 404 : wire.code === 'invalid_input' ? 400 : 500, wire.message, headers)
    }
    return
  }
  const file = await readStaticFile(options.staticRoot, url.pathname)
  if (!file) {
    sendText(res, 404, `Not found: ${url.pathname}`, headers)
    return
  }
  res.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' })
  res.end(req.method === 'HEAD' ? undefined : file.body)
}

function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return true // non-browser clients (CLI tools, tests) send no Origin
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end()
    return
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
