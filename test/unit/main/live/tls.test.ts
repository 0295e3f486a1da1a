/**
 * TLS away from the robot: the self-signed certificate is made once under the data folder and kept;
 * a wss:// link checks the pinned fingerprint, and a certificate that is not the pinned one (or an
 * untrusted one without a pin) is one clear "certificate" failure.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, statSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { selfSignedTls } from '../../../../src-main/server/tls-certificate'
import { FoxgloveLink, LinkFailure } from '../../../../src-main/services/live/foxglove-link'
import { FoxgloveServer } from '../../../../src-main/services/live/foxglove-ws-protocol'

describe('TLS for a console or robot away from this machine', () => {
  it('makes a self-signed certificate on first run and reuses it after', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dve-tls-'))
    const first = await selfSignedTls(home, ['robot.local', '192.168.1.20'])
    expect(first.origin).toMatch(/self-signed, made now/)
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(statSync(join(home, 'tls')).mode & 0o077).toBe(0)
    const again = await selfSignedTls(home, [])
    expect(again.fingerprint256).toBe(first.fingerprint256)
    expect(again.origin).not.toMatch(/made now/)
  })

  it('connects over wss:// with the pinned fingerprint and refuses any other certificate', async () => {
    const tls = await selfSignedTls(mkdtempSync(join(tmpdir(), 'dve-tls-')), [])
    const other = await selfSignedTls(mkdtempSync(join(tmpdir(), 'dve-tls-')), [])
    const foxglove = new FoxgloveServer({ name: 'tls robot', sessionId: 's' })
    const https = createServer({ cert: tls.cert, key: tls.key })
    const wss = new WebSocketServer({
      server: https,
      handleProtocols: (p) => (p.has('foxglove.sdk.v1') ? 'foxglove.sdk.v1' : false),
    })
    wss.on('connection', (ws) => foxglove.handleConnection(ws, 'tls'))
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r))
    const url = `wss://127.0.0.1:${(https.address() as AddressInfo).port}`
    try {
      const link = await FoxgloveLink.open(url, { certificateFingerprint: tls.fingerprint256.toLowerCase() })
      expect(link.serverInfo.name).toBe('tls robot')
      link.close()
      const refused = async (fingerprint?: string): Promise<LinkFailure> =>
        FoxgloveLink.open(url, { certificateFingerprint: fingerprint, timeoutMs: 3000 }).then(
          () => {
            throw new Error('connected')
          },
          (error: LinkFailure) => error,
        )
      const wrong = await refused(other.fingerprint256)
      expect(wrong.kind).toBe('certificate')
      expect(wrong.message).toContain(`not the pinned ${other.fingerprint256.replace(/:/g, '')}`)
      const unpinned = await refused()
      expect(unpinned.kind).toBe('certificate')
      expect(unpinned.message).toMatch(/not trusted .*pin its fingerprint/)
    } finally {
      for (const c of wss.clients) c.terminate()
      await new Promise((r) => https.close(r))
    }
  })
})
