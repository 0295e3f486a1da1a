/**
 * Certificate pinning for console servers, trust on first use: a remembered server's certificate must
 * be the pinned one (a changed certificate is refused, never silently re-pinned); a first connection
 * compares with the fingerprint the person pasted from `dve serve --tls`, or shows the fingerprint
 * and waits for the person to confirm it.
 */
import { X509Certificate } from 'node:crypto'
import { colonFingerprint, normaliseFingerprint } from '../../contract'

export type PinDecision =
  | { kind: 'accept'; fingerprint256: string }
  | { kind: 'confirm'; fingerprint256: string }
  | { kind: 'refuse'; message: string }

export interface PinInputs {
  origin: string
  /** What the server presents now. */
  presented: string
  /** What was pinned when the server was remembered. */
  pinned: string | null
  /** Pasted by the person (as `dve serve --tls` printed it). */
  pasted?: string | undefined
  /** Shown to the person and confirmed by them. */
  trusted?: string | undefined
}

const same = (a: string, b: string): boolean => normaliseFingerprint(a) === normaliseFingerprint(b)

export function decidePin({ origin, presented, pinned, pasted, trusted }: PinInputs): PinDecision {
  const now = colonFingerprint(presented)
  const accept: PinDecision = { kind: 'accept', fingerprint256: now }
  if (pinned)
    return same(pinned, presented)
      ? accept
      : {
          kind: 'refuse',
          message: `The certificate of ${origin} has changed: it was pinned as ${colonFingerprint(pinned)} and is now ${now}. Someone may be in between, so the console does not connect. If the server made a new certificate on purpose, compare this fingerprint with the one \`dve serve\` printed, then forget the server and connect again.`,
        }
  if (pasted)
    return same(pasted, presented)
      ? accept
      : {
          kind: 'refuse',
          message: `${origin} presents the certificate ${now}, not the fingerprint you gave (${colonFingerprint(pasted)}). Check the fingerprint \`dve serve --tls\` printed; someone may be in between.`,
        }
  if (trusted)
    return same(trusted, presented)
      ? accept
      : {
          kind: 'refuse',
          message: `The certificate of ${origin} changed while you were confirming it (now ${now}); the console does not connect.`,
        }
  return { kind: 'confirm', fingerprint256: now }
}

/** The part of Electron's certificate verify request this needs. */
export interface VerifyRequest {
  hostname: string
  certificate: { data: string }
}

/** Chromium's answers to a certificate verify proc: 0 accept, −2 refuse. */
export const certificateAccepted = 0
export const certificateRefused = -2

/**
 * The remote window's verify proc: only the server's host name, and only the pinned certificate
 * (a self-signed one included: the pin is the trust). Anything else is refused.
 */
export function pinnedCertificateVerifier(
  hostname: string,
  fingerprint256: string,
): (request: VerifyRequest, callback: (result: number) => void) => void {
  const host = hostname.replace(/^\[|\]$/g, '')
  return (request, callback) => {
    let presented: string | null = null
    try {
      presented = new X509Certificate(request.certificate.data).fingerprint256
    } catch {
      presented = null
    }
    const ok =
      request.hostname.replace(/^\[|\]$/g, '') === host && presented !== null && same(presented, fingerprint256)
    callback(ok ? certificateAccepted : certificateRefused)
  }
}
