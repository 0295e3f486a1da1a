/**
 * Electron's "Connect to a console server…": the operator's app opens a remote `dve serve` (often a
 * robot with `--tls` and a self-signed certificate) by URL and token. Not an RPC service: the messages
 * below cross the preload's `remote` bridge to the Electron host only. The token goes in once and never
 * comes back (the host keeps it encrypted); certificates are pinned by SHA-256 fingerprint.
 */
import { z } from 'zod'

/** Upper-case hex without separators: how fingerprints are compared. */
export const normaliseFingerprint = (value: string): string => value.replace(/[^0-9a-f]/gi, '').toUpperCase()

/** AA:BB:… as `dve serve --tls` prints it and browsers show it. */
export const colonFingerprint = (value: string): string => normaliseFingerprint(value).replace(/(..)(?!$)/g, '$1:')

/** A SHA-256 fingerprint as typed or pasted: 64 hex digits, colons or spaces allowed. */
export const fingerprintSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => /^[0-9a-f:\s]*$/i.test(value) && normaliseFingerprint(value).length === 64, {
    message: 'a SHA-256 fingerprint has 64 hex digits (colons allowed), as `dve serve --tls` prints it',
  })

export const consoleServerRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('list') }),
  z.object({
    op: z.literal('connect'),
    url: z.string().trim().min(1).max(2000),
    /** Omitted: the token remembered for this server. */
    token: z.string().max(512).optional(),
    /** The fingerprint `dve serve --tls` printed, pasted by the person. */
    fingerprint: fingerprintSchema.optional(),
    /** The fingerprint the person confirmed after the host showed it (trust on first use). */
    trustFingerprint: fingerprintSchema.optional(),
    remember: z.boolean().default(true),
  }),
  z.object({ op: z.literal('forget'), origin: z.string().max(2000) }),
  z.object({ op: z.literal('disconnect') }),
])
export type ConsoleServerRequest = z.input<typeof consoleServerRequestSchema>

/** A remembered server as the renderer sees it: never the token. */
export interface ConsoleServer {
  /** https://robot:8080 */
  origin: string
  /** Pinned certificate fingerprint (colon form), null for http:// on this machine. */
  fingerprint256: string | null
  tokenSaved: boolean
  lastConnectedAt: string | null
}

export type ConsoleServerReply =
  | {
      kind: 'servers'
      servers: ConsoleServer[]
      /** The server open in the remote window, if any. */
      connected: string | null
      /** Whether tokens can be remembered (the platform's keychain through Electron safeStorage). */
      tokenStorage: 'encrypted' | 'unavailable'
    }
  /** First connection to this certificate: show it, and connect again with `trustFingerprint` if confirmed. */
  | { kind: 'confirm-fingerprint'; origin: string; fingerprint256: string }
  | { kind: 'connected'; server: ConsoleServer }
  | { kind: 'refused'; message: string }
