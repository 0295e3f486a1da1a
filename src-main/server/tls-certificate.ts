/**
 * TLS for a console served to the network (`npm run serve -- --host 0.0.0.0 --tls`): the given
 * certificate and key, or a self-signed certificate made on first run under the data folder
 * (`<DVE_HOME>/tls/`) and reused after. Its SHA-256 fingerprint is printed so a client can pin it:
 * a token over plain HTTP on a home network is readable by anyone on it.
 */
import { X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { writeFileAtomic } from '../platform/atomic-write'

export interface TlsMaterial {
  cert: string
  key: string
  /** SHA-256 fingerprint, colon-separated upper-case hex (what browsers and `--fingerprint` show). */
  fingerprint256: string
  /** Where it came from, for the start-up line. */
  origin: string
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`${path}: cannot read the TLS ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`)
  }
}

function fingerprintOf(cert: string, path: string): string {
  try {
    return new X509Certificate(cert).fingerprint256
  } catch (error) {
    throw new Error(`${path}: not a PEM certificate (${error instanceof Error ? error.message : String(error)}).`)
  }
}

export async function tlsFromFiles(certPath: string, keyPath: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readPem(certPath, 'certificate'), readPem(keyPath, 'key')])
  return { cert, key, fingerprint256: fingerprintOf(cert, certPath), origin: certPath }
}

/** The self-signed certificate under `home/tls`, made on first use (valid 5 years, for this host's names). */
export async function selfSignedTls(home: string, hostNames: string[]): Promise<TlsMaterial> {
  const dir = join(home, 'tls')
  const certPath = join(dir, 'console-cert.pem')
  const keyPath = join(dir, 'console-key.pem')
  if (existsSync(certPath) && existsSync(keyPath)) return tlsFromFiles(certPath, keyPath)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const names = [...new Set(['localhost', hostname(), ...hostNames.filter((h) => h && h !== '0.0.0.0' && h !== '::')])]
  const isIp = (name: string): boolean => /^[\d.]+$/.test(name) || name.includes(':')
  const pems = await generate([{ name: 'commonName', value: `DVE Console on ${hostname()}` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 5 * 365 * 86_400_000),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          ...names.map((n) => (isIp(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
        ],
      },
    ],
  })
  // The key first: a certificate without its key would be reused and fail at start.
  await writeFileAtomic(keyPath, pems.private)
  await writeFileAtomic(certPath, pems.cert)
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint256: fingerprintOf(pems.cert, certPath),
    origin: `${certPath} (self-signed, made now)`,
  }
}
