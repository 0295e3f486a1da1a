/**
 * The binary data plane. Services register handlers for path patterns such as
 * `sessions/:sessionId/frames/:index/:kind`; both hosts map `/data/…` URLs onto `handle()`, with the
 * request's abort signal (the client went away) and priority (`dataPriorityHeader`).
 */
import { ConsoleError } from '../contract'

export interface DataResponse {
  body: Uint8Array
  contentType: string
  /** Immutable resources (frames) may be cached by the renderer. */
  immutable?: boolean
}

/** How the client asked: handlers stop work once `signal` aborts, and may serve background requests last. */
export interface DataRequest {
  signal: AbortSignal
  /** A prefetch, not something a person is waiting for. */
  background: boolean
}

export type DataHandler = (
  params: Record<string, string>,
  query: URLSearchParams,
  request: DataRequest,
) => Promise<DataResponse>

const foreground: DataRequest = { signal: new AbortController().signal, background: false }

interface Route {
  parts: string[]
  handler: DataHandler
}

export class DataRouter {
  private readonly routes: Route[] = []

  register(pattern: string, handler: DataHandler): void {
    this.routes.push({ parts: pattern.split('/').filter(Boolean), handler })
  }

  /** `path` is the part after `/data/`, still URL-encoded; `query` the search params. */
  async handle(path: string, query: URLSearchParams, request: DataRequest = foreground): Promise<DataResponse> {
    const segments = path.split('/').filter(Boolean)
    for (const route of this.routes) {
      const params = match(route.parts, segments)
      if (params) return route.handler(params, query, request)
    }
    throw new ConsoleError('not_found', `No data resource at "${path}".`)
  }
}

function match(parts: string[], segments: string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const segment = decodeURIComponent(segments[i] as string)
    // Decoded segments must stay single path components: no traversal through a parameter.
    if (segment.includes('/') || segment.includes('\\') || segment === '..' || segment === '.') return null
    if (part.startsWith(':')) params[part.slice(1)] = segment
    else if (part !== segment) return null
  }
  return params
}
