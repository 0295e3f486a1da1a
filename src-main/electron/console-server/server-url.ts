/**
 * The URL a person types for a console server, checked before anything connects: https:// (a token
 * over plain HTTP on a network is readable by anyone on it), or http:// to this machine only; no
 * user name, path or fragment. The URL `dve serve` prints carries `?token=`: pasted whole, the token
 * is taken from it.
 */
import { ConsoleError } from '../../contract'
import { tokenCookieName } from '../../server/auth'

export interface ConsoleServerUrl {
  /** https://robot:8080, the remote window's one origin. */
  origin: string
  hostname: string
  port: number
  tls: boolean
  /** The cookie `dve serve` reads the token from (named per port). */
  cookieName: string
  /** The token from a pasted `…/?token=…` URL. */
  token: string | null
}

const loopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)

const refuse = (text: string, why: string): never => {
  throw new ConsoleError('invalid_input', `"${text.slice(0, 200)}" ${why}`)
}

export function parseConsoleServerUrl(text: string): ConsoleServerUrl {
  const trimmed = text.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`)
  } catch {
    return refuse(trimmed, 'is not a URL; type the address `dve serve` printed, e.g. https://robot.local:8080')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return refuse(trimmed, `uses ${url.protocol}; a console server is https:// (dve serve --tls)`)
  const tls = url.protocol === 'https:'
  if (!tls && !loopback(url.hostname))
    return refuse(
      trimmed,
      'is plain HTTP to another machine: anyone on the network could read the token. Start the server with `dve serve --tls` and use https://',
    )
  if (url.username || url.password) return refuse(trimmed, 'carries a user name; type the token in its own field')
  const params = [...url.searchParams.keys()]
  if (url.hash || url.pathname !== '/' || params.some((key) => key !== 'token'))
    return refuse(trimmed, 'has a path, query or fragment; give only the server, e.g. https://robot.local:8080')
  const port = Number(url.port) || (tls ? 443 : 80)
  const token = url.searchParams.get('token') || null
  return { origin: url.origin, hostname: url.hostname, port, tls, cookieName: tokenCookieName(port), token }
}
