/**
 * What the `dve://app` scheme answers: the built renderer and, under `/data/`, the binary data plane,
 * on one origin. A pure `(Request) => Promise<Response>` with no Electron import, so Node tests call
 * it directly; `protocol.handle` in main.ts is its only Electron caller.
 */
import { backgroundPriority, dataPrefix, dataPriorityHeader, toWireError, type ErrorCode } from '../contract'
import type { DataRouter } from '../services/data-router'
import { byteRange } from '../platform/byte-ranges'
import { isTraversal, readStaticFile } from '../server/static-files'
import { appHost, appScheme } from './app-scheme'

export interface AppRequestHandlerOptions {
  /** The built renderer (`out/renderer`). */
  rendererRoot: string
  data: Pick<DataRouter, 'handle'>
  /** Sent with every response; index.html carries the same policy as a `<meta>`. */
  contentSecurityPolicy: string
}

export type AppRequestHandler = (request: Request) => Promise<Response>

const errorStatus: Partial<Record<ErrorCode, number>> = { not_found: 404, invalid_input: 400 }

export function createAppRequestHandler(options: AppRequestHandlerOptions): AppRequestHandler {
  const baseHeaders = {
    'Content-Security-Policy': options.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  }
  const text = (status: number, message: string, extra: Record<string, string> = {}) =>
    new Response(message, {
      status,
      headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
    })

  return async (request) => {
    const url = new URL(request.url)
    if (url.protocol !== `${appScheme}:` || url.host !== appHost)
      return text(404, `Nothing is served at ${url.origin}.`)
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return text(405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' })
    if (isTraversal(url.pathname)) return text(400, 'Path traversal is not allowed.')

    let body: Uint8Array
    let contentType: string
    let cacheControl: string
    if (url.pathname.startsWith(dataPrefix)) {
      try {
        const data = await options.data.handle(url.pathname.slice(dataPrefix.length), url.searchParams, {
          signal: request.signal,
          background: request.headers.get(dataPriorityHeader) === backgroundPriority,
        })
        body = data.body
        contentType = data.contentType
        cacheControl = data.immutable ? 'private, max-age=3600' : 'no-store'
      } catch (error) {
        const wire = toWireError(error)
        return text(errorStatus[wire.code] ?? 500, wire.message)
      }
    } else {
      const file = await readStaticFile(options.rendererRoot, url.pathname)
      if (!file) return text(404, `No file ${url.pathname} in the app.`)
      body = file.body
      contentType = file.contentType
      cacheControl = 'no-cache'
    }

    const headers: Record<string, string> = {
      ...baseHeaders,
      'Content-Type': contentType,
      'Cache-Control': cacheControl,
      'Accept-Ranges': 'bytes',
    }
    const range =
      request.method === 'GET' ? byteRange(request.headers.get('range'), body.byteLength) : { kind: 'whole' as const }
    if (range.kind === 'unsatisfiable')
      return text(416, 'Requested range not satisfiable.', { 'Content-Range': `bytes */${body.byteLength}` })
    if (range.kind === 'part') {
      const part = body.subarray(range.start, range.end + 1)
      return new Response(request.method === 'HEAD' ? null : toBodyInit(part), {
        status: 206,
        headers: {
          ...headers,
          'Content-Range': `bytes ${range.start}-${range.end}/${body.byteLength}`,
          'Content-Length': String(part.byteLength),
        },
      })
    }
    return new Response(request.method === 'HEAD' ? null : toBodyInit(body), {
      status: 200,
      headers: { ...headers, 'Content-Length': String(body.byteLength) },
    })
  }
}

/** A view, not a copy: the router's bytes and readFile's Buffer are backed by plain ArrayBuffers. */
function toBodyInit(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}
