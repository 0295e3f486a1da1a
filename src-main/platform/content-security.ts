/**
 * One Content-Security-Policy for both hosts. regl compiles its draw commands with `new Function`,
 * so script-src needs 'unsafe-eval'; everything else is same-origin only.
 */
export function contentSecurityPolicy(extraConnect: string[] = [], extraImg: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${extraImg.join(' ')}`.trim(),
    `connect-src 'self' ${extraConnect.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')
}
