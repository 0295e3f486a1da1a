/**
 * One Content-Security-Policy for both hosts, sent as a header and repeated as a `<meta>` in the
 * built index.html. regl compiles its draw commands with `new Function`, so script-src needs
 * 'unsafe-eval'; everything else is same-origin only (UI and data plane share one origin).
 */
const directives = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
]

/** Directives a `<meta>` policy may not carry (Chromium ignores them there, with a console error). */
const headerOnly = ['frame-ancestors']

export function contentSecurityPolicy(): string {
  return directives.join('; ')
}

export function metaContentSecurityPolicy(): string {
  return directives.filter((d) => !headerOnly.includes(d.split(' ')[0] as string)).join('; ')
}
