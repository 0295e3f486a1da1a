/**
 * The one typed client: `client.api.sessions.list()` etc., the same for both transports.
 * Errors come back as ConsoleError with the service's message.
 */
import { contract, fromWireError, type ConsoleApi, type ConsoleEvents, type EventName } from '@contract'
import type { Transport } from './transport'

export interface ApiClient {
  api: ConsoleApi
  on<E extends EventName>(name: E, listener: (payload: ConsoleEvents[E]) => void): () => void
  dataUrl(path: string): string
  transport: Transport
}

export function createApiClient(transport: Transport): ApiClient {
  let nextId = 1
  const api = {} as Record<string, Record<string, (input: unknown) => Promise<unknown>>>
  for (const service of Object.keys(contract)) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {}
    for (const method of Object.keys(contract[service as keyof typeof contract])) {
      methods[method] = async (input: unknown) => {
        const response = await transport.request({ kind: 'request', id: nextId++, service, method, input })
        if (!response.ok) throw fromWireError(response.error)
        return response.result
      }
    }
    api[service] = methods
  }
  return {
    api: api as unknown as ConsoleApi,
    on(name, listener) {
      return transport.onEvent((message) => {
        if (message.name === name) listener(message.payload as ConsoleEvents[typeof name])
      })
    },
    dataUrl: (path) => transport.dataUrl(path),
    transport,
  }
}
