/** Serves the binary data plane to the renderer as `dve-data://app/data/...` URLs. */
import { protocol } from 'electron'
import { dataPrefix, toWireError } from '../contract'
import type { Services } from '../services/create-services'

export const dataScheme = 'dve-data'

/** Must run before app ready. */
export function registerDataScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: dataScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ])
}

export function handleDataProtocol(services: Services): void {
  protocol.handle(dataScheme, async (request) => {
    const url = new URL(request.url)
    if (!url.pathname.startsWith(dataPrefix)) return new Response('Not found', { status: 404 })
    try {
      const data = await services.data.handle(url.pathname.slice(dataPrefix.length), url.searchParams)
      return new Response(Buffer.from(data.body), { headers: { 'Content-Type': data.contentType } })
    } catch (error) {
      const wire = toWireError(error)
      return new Response(wire.message, { status: wire.code === 'not_found' ? 404 : 500 })
    }
  })
}
