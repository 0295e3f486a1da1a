/** Provides the client to the component tree; picks the transport for the host we run in. */
import { inject, type App, type InjectionKey } from 'vue'
import { createApiClient, type ApiClient } from './client'
import { createIpcTransport, type DveBridge } from './ipc-transport'
import { createWsTransport } from './ws-transport'

export const apiKey: InjectionKey<ApiClient> = Symbol('dve-api')

export function createDefaultClient(): ApiClient {
  const bridge = (window as unknown as { dveBridge?: DveBridge }).dveBridge
  return createApiClient(bridge ? createIpcTransport(bridge) : createWsTransport())
}

export function installApi(app: App, client: ApiClient): void {
  app.provide(apiKey, client)
}

export function useApi(): ApiClient {
  const client = inject(apiKey)
  if (!client) throw new Error('useApi() called outside an app with installApi().')
  return client
}
