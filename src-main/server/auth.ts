/**
 * Token check for browser mode. The printed URL carries `?token=`; the first page load trades it for
 * an HttpOnly, SameSite=Strict cookie so assets, data and the socket are authorised too. The cookie
 * is named per port: cookies ignore ports, so two consoles on one machine would overwrite each other.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ConsoleError } from '../contract'

/** Shortest token accepted from --token or DVE_TOKEN (a generated one has 32 characters). */
export const minTokenLength = 16

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

/** A chosen token, or a refusal when it is too short to resist guessing. */
export function checkChosenToken(token: string): string {
  if (token.length < minTokenLength) {
    throw new ConsoleError(
      'invalid_input',
      `The access token (--token or DVE_TOKEN) must have at least ${minTokenLength} characters; leave it unset to get a random one.`,
    )
  }
  return token
}

export function tokenCookieName(port: number): string {
  return `dve_token_${port}`
}

export function requestToken(req: IncomingMessage, port: number): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return fromQuery
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7)
  const cookie = req.headers.cookie ?? ''
  const name = tokenCookieName(port)
  for (const part of cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Under TLS the cookie is `Secure` too, so the browser never sends the token over plain HTTP. */
export function tokenCookieHeader(token: string, port: number, tls = false): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/${tls ? '; Secure' : ''}`
}

/**
 * DNS rebinding: a page on evil.example can make its name resolve to 127.0.0.1 and then talk to us
 * as "same origin". Its requests still carry `Host: evil.example`, so only IP literals, localhost and
 * names listed in DVE_ALLOWED_HOSTS are answered.
 */
export function hostAllowed(hostHeader: string | undefined, port: number, extraNames: readonly string[] = []): boolean {
  if (!hostHeader) return false
  let url: URL
  try {
    url = new URL(`http://${hostHeader}`)
  } catch {
    return false
  }
  if (url.port !== String(port) && !(url.port === '' && port === 80)) return false
  const name = url.hostname.toLowerCase()
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith('[')
  return isIp || name === 'localhost' || extraNames.includes(name)
}
