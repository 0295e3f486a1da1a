/**
 * One "connect" from the dialog: check the URL, find the token (typed, pasted in the URL, or
 * remembered), decide the certificate pin (trust on first use), check the token over the pinned
 * connection, remember the server. Returns the reply for the dialog and, when everything holds, what
 * the remote window needs.
 */
import type { ConsoleServerReply, ConsoleServerRequest } from '../../contract'
import { decidePin } from './certificate-pin'
import type { ConsoleServerStore } from './server-store'
import { parseConsoleServerUrl, type ConsoleServerUrl } from './server-url'

export interface ServerProbe {
  presentedFingerprint(url: ConsoleServerUrl): Promise<string>
  checkToken(url: ConsoleServerUrl, token: string, pin: string | null): Promise<void>
}

export interface ConnectOutcome {
  reply: ConsoleServerReply
  open?: { url: ConsoleServerUrl; token: string; fingerprint256: string | null }
}

type ConnectRequest = Extract<ConsoleServerRequest, { op: 'connect' }>

export async function connectFlow(
  request: ConnectRequest,
  store: ConsoleServerStore,
  probe: ServerProbe,
): Promise<ConnectOutcome> {
  const url = parseConsoleServerUrl(request.url)
  const token = request.token?.trim() || url.token || (await store.token(url.origin))
  if (!token)
    return {
      reply: {
        kind: 'refused',
        message: `${url.origin}: type the access token \`dve serve\` printed (the part after ?token=).`,
      },
    }
  let fingerprint256: string | null = null
  if (url.tls) {
    const decision = decidePin({
      origin: url.origin,
      presented: await probe.presentedFingerprint(url),
      pinned: await store.pinned(url.origin),
      pasted: request.fingerprint,
      trusted: request.trustFingerprint,
    })
    if (decision.kind === 'refuse') return { reply: { kind: 'refused', message: decision.message } }
    if (decision.kind === 'confirm')
      return { reply: { kind: 'confirm-fingerprint', origin: url.origin, fingerprint256: decision.fingerprint256 } }
    fingerprint256 = decision.fingerprint256
  }
  await probe.checkToken(url, token, fingerprint256)
  if (request.remember !== false) await store.remember(url.origin, fingerprint256, token)
  const server = (await store.list()).find((s) => s.origin === url.origin) ?? {
    origin: url.origin,
    fingerprint256,
    tokenSaved: false,
    lastConnectedAt: null,
  }
  return { reply: { kind: 'connected', server }, open: { url, token, fingerprint256 } }
}
