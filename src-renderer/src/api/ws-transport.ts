/**
 * Browser-mode transport: one WebSocket to `/rpc` (the token cookie authorises it), reconnecting with
 * backoff. Requests sent while disconnected wait for the connection.
 */
import type { EventMessage, RequestMessage, ResponseMessage, ServerMessage } from '@contract'
import type { Transport } from './transport'

type SocketCtor = new (url: string) => WebSocket

export interface WsTransportOptions {
  /** e.g. `ws://127.0.0.1:1234/rpc?token=...`; defaults to the page's own origin. */
  url?: string
  /** HTTP origin for data URLs; defaults to the page's origin. */
  httpOrigin?: string
  WebSocketImpl?: SocketCtor
}

export function createWsTransport(options: WsTransportOptions = {}): Transport & { close(): void } {
  const url = options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`
  const httpOrigin = options.httpOrigin ?? location.origin
  const Socket = options.WebSocketImpl ?? WebSocket
  const pending = new Map<number, (message: ResponseMessage) => void>()
  const eventListeners = new Set<(message: EventMessage) => void>()
  const connectionListeners = new Set<(connected: boolean) => void>()
  let socket: WebSocket | null = null
  let open: Promise<WebSocket> | null = null
  let closed = false
  let backoffMs = 250

  const connect = (): Promise<WebSocket> => {
    open ??= new Promise<WebSocket>((resolve) => {
      const ws = new Socket(url)
      ws.onopen = () => {
        socket = ws
        backoffMs = 250
        connectionListeners.forEach((l) => l(true))
        resolve(ws)
      }
      ws.onmessage = (event: MessageEvent) => {
        const message = JSON.parse(String(event.data)) as ServerMessage
        if (message.kind === 'response') {
          pending.get(message.id)?.(message)
          pending.delete(message.id)
        } else eventListeners.forEach((l) => l(message))
      }
      ws.onclose = () => {
        socket = null
        open = null
        connectionListeners.forEach((l) => l(false))
        for (const [id, settle] of pending) {
          settle({
            kind: 'response',
            id,
            ok: false,
            error: { code: 'internal', message: 'Connection to the console server was lost.' },
          })
        }
        pending.clear()
        if (!closed) {
          setTimeout(() => void connect().then(resolve), backoffMs)
          backoffMs = Math.min(backoffMs * 2, 5000)
        }
      }
    })
    return open
  }

  return {
    async request(message: RequestMessage) {
      const ws = socket ?? (await connect())
      return new Promise<ResponseMessage>((resolve) => {
        pending.set(message.id, resolve)
        ws.send(JSON.stringify(message))
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      void connect()
      return () => eventListeners.delete(listener)
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    dataUrl: (path) => `${httpOrigin}${path}`,
    close() {
      closed = true
      socket?.close()
    },
  }
}
