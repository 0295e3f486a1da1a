/**
 * Electron transport: the preload's generic `dveBridge`. The page and the data plane share the app
 * scheme's origin (`dve://app`), so data URLs are same-origin paths, exactly as in browser mode.
 */
import type { EventMessage, RequestMessage, ResponseMessage } from '@contract'
import type { Transport } from './transport'

export interface DveBridge {
  request(message: unknown): Promise<unknown>
  onEvent(listener: (message: unknown) => void): () => void
}

export function createIpcTransport(bridge: DveBridge, dataOrigin = location.origin): Transport {
  return {
    request: async (message: RequestMessage) => (await bridge.request(message)) as ResponseMessage,
    onEvent: (listener) => bridge.onEvent((message) => listener(message as EventMessage)),
    dataUrl: (path) => `${dataOrigin}${path}`,
  }
}
