/**
 * One connection to a Foxglove WebSocket server (foxglove_bridge, the Foxglove SDK, our simulator),
 * through @foxglove/ws-protocol's FoxgloveClient over a `ws` socket we open ourselves, offering both
 * subprotocol names (field-anchors §b1). Failures become one plain sentence: refused, another
 * protocol, a wrong token, a certificate that is not the pinned one.
 */
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import WebSocket from 'ws'
import { normaliseFingerprint } from '../../contract'
import { FoxgloveClient, type Channel, type MessageData, type ServerInfo } from './foxglove-ws-protocol'
import { foxgloveSubprotocols } from './subprotocols'

export type LinkFailureKind = 'unreachable' | 'protocol' | 'unauthorized' | 'certificate' | 'timeout' | 'closed'

export class LinkFailure extends Error {
  constructor(
    readonly kind: LinkFailureKind,
    message: string,
  ) {
    super(message)
  }
}

export interface LinkOptions {
  /** SHA-256 fingerprint (hex, colons optional) the server certificate must have; allows self-signed. */
  certificateFingerprint?: string
  /** How long the handshake and the server's first messages may take (Lichtblick: 10 s). */
  timeoutMs?: number
}

export interface LinkEvents {
  advertise: [channels: Channel[]]
  unadvertise: [channelIds: number[]]
  message: [channel: Channel, data: Uint8Array, receiveTimeNs: bigint]
  close: [failure: LinkFailure]
  problem: [message: string]
}

function describeFailure(url: string, error: Error & { code?: string }): LinkFailure {
  const text = error.message
  const status = /Unexpected server response: (\d+)/.exec(text)?.[1]
  if (status === '401' || status === '403')
    return new LinkFailure(
      'unauthorized',
      `${url} refused the connection (HTTP ${status}): the token is wrong or missing.`,
    )
  if (status)
    return new LinkFailure(
      'protocol',
      `${url} does not speak the Foxglove WebSocket protocol (HTTP ${status} to a client offering ${foxgloveSubprotocols.join(' and ')}). Is it a foxglove_bridge?`,
    )
  if (/subprotocol/i.test(text))
    return new LinkFailure(
      'protocol',
      `${url} accepted the WebSocket but speaks another protocol (${text}); expected ${foxgloveSubprotocols.join(' or ')}.`,
    )
  if (/CERT|certificate|self.signed/i.test(`${error.code ?? ''} ${text}`))
    return new LinkFailure(
      'certificate',
      `${url}: the server's certificate is not trusted (${error.code ?? text}); pin its fingerprint to trust a self-signed one.`,
    )
  if (error.code === 'ECONNREFUSED')
    return new LinkFailure(
      'unreachable',
      `${url}: nothing listens there (connection refused). Is the robot (or dve robot simulate) running?`,
    )
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
    return new LinkFailure('unreachable', `${url}: unknown host.`)
  return new LinkFailure('unreachable', `${url}: ${text}`)
}

export class FoxgloveLink extends EventEmitter<LinkEvents> {
  readonly channels = new Map<number, Channel>()
  private readonly subscriptions = new Map<number, Channel>()
  private closedBy: LinkFailure | null = null

  private constructor(
    readonly url: string,
    private readonly ws: WebSocket,
    private readonly client: FoxgloveClient,
    readonly protocol: string,
    readonly serverInfo: ServerInfo,
  ) {
    super()
  }

  /** Opens the link and waits for serverInfo and the first advertise (or a short quiet spell). */
  static open(url: string, options: LinkOptions = {}): Promise<FoxgloveLink> {
    const pin = options.certificateFingerprint ? normaliseFingerprint(options.certificateFingerprint) : null
    const ws = new WebSocket(url, [...foxgloveSubprotocols], {
      rejectUnauthorized: pin === null,
      handshakeTimeout: options.timeoutMs ?? 10_000,
    })
    return new Promise<FoxgloveLink>((resolve, reject) => {
      let link: FoxgloveLink | null = null
      let info: ServerInfo | null = null
      let early: Channel[] = []
      const fail = (failure: LinkFailure): void => {
        clearTimeout(timer)
        ws.terminate()
        if (link) link.end(failure)
        else reject(failure)
      }
      const timer = setTimeout(
        () =>
          fail(
            new LinkFailure(
              'timeout',
              `${url}: no answer from the server within ${((options.timeoutMs ?? 10_000) / 1000).toFixed(0)} s.`,
            ),
          ),
        options.timeoutMs ?? 10_000,
      )
      ws.on('upgrade', (response: IncomingMessage) => {
        if (!pin) return
        const certificate = (response.socket as TLSSocket).getPeerCertificate?.()
        const got = certificate?.fingerprint256 ? normaliseFingerprint(certificate.fingerprint256) : null
        if (got !== pin)
          fail(
            new LinkFailure(
              'certificate',
              `${url}: the server's certificate fingerprint is ${got ?? 'missing'}, not the pinned ${pin}. Someone may be in between; check the fingerprint the server printed.`,
            ),
          )
      })
      const client = new FoxgloveClient({ ws: ws as unknown as ConstructorParameters<typeof FoxgloveClient>[0]['ws'] })
      client.on('error', (error) => {
        if (link) link.emit('problem', `${url}: ${error.message}`)
        else fail(describeFailure(url, error))
      })
      client.on('close', () => {
        if (link) link.end(new LinkFailure('closed', `${url}: the connection closed.`))
        else fail(new LinkFailure('closed', `${url}: the server closed the connection during the handshake.`))
      })
      client.on('serverInfo', (serverInfo) => {
        info = serverInfo
        // Some servers advertise nothing until they have topics: wait briefly, then go on.
        setTimeout(() => settle(), 500)
      })
      client.on('advertise', (channels) => {
        if (link) link.advertise(channels)
        else {
          early = [...early, ...channels]
          settle()
        }
      })
      client.on('unadvertise', (ids) => {
        for (const id of ids) link?.channels.delete(id)
        link?.emit('unadvertise', ids)
      })
      client.on('message', (message) => link?.receive(message))
      const settle = (): void => {
        if (link || !info) return
        clearTimeout(timer)
        link = new FoxgloveLink(url, ws, client, ws.protocol, info)
        link.advertise(early)
        resolve(link)
      }
    })
  }

  subscribe(channel: Channel): void {
    this.subscriptions.set(this.client.subscribe(channel.id), channel)
  }

  close(): void {
    this.end(new LinkFailure('closed', `${this.url}: closed by the console.`))
  }

  get closed(): boolean {
    return this.closedBy !== null
  }

  private advertise(channels: Channel[]): void {
    for (const channel of channels) this.channels.set(channel.id, channel)
    this.emit('advertise', channels)
  }

  private receive(message: MessageData): void {
    const channel = this.subscriptions.get(message.subscriptionId)
    if (!channel) return
    const view = message.data
    this.emit(
      'message',
      channel,
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
      BigInt(Date.now()) * 1_000_000n,
    )
  }

  private end(failure: LinkFailure): void {
    if (this.closedBy) return
    this.closedBy = failure
    this.ws.terminate()
    this.emit('close', failure)
  }
}

export type { Channel }
