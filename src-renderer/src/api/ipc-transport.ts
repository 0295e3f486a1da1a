/** Electron transport: the preload's generic `dveBridge`; data comes over the `dve-data:` scheme. */
import type { EventMessage, RequestMessage, ResponseMessage } from '@contract'
import type { Transport } from './transport'

export interface DveBridge {
  request(message: unknown): Promise<unknown>
  onEvent(listener: (message: unknown) => void): () => void
}

export function createIpcTransport(bridge: DveBridge, dataOrigin = 'dve-data://app'): Transport {
  return {
    request: async (message: RequestMessage) => (await bridge.request(message)) as ResponseMessage,
    onEvent: (listener) => bridge.onEvent((message) => listener(message as EventMessage)),
    dataUrl: (path) => `${dataOrigin}${path}`,
  }
}
