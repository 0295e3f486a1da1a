/**
 * Token check for browser mode. The printed URL carries `?token=`; the first page load trades it for
 * an HttpOnly, SameSite=Strict cookie so assets, data and the socket are authorised too.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const tokenCookie = 'dve_token'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

export function requestToken(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return fromQuery
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7)
  const cookie = req.headers.cookie ?? ''
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === tokenCookie) return rest.join('=')
  }
  return null
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function tokenCookieHeader(token: string): string {
  return `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`
}
