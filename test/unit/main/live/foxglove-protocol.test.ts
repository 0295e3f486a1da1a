/**
 * The Foxglove WebSocket protocol as the simulator speaks it and the client reads it (field-anchors
 * §b1, §b6): the subprotocol handshake matrix, golden frames (serverInfo → advertise → subscribe →
 * Message Data bytes), CDR round trips with bridge-style schemas, and one clear failure per wrong server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import WebSocket, { WebSocketServer } from 'ws'
import { parse } from '@foxglove/rosmsg'
import { RobotSimulator, simulatedTopics } from '../../../../src-main/services/live/robot-simulator'
import { FoxgloveLink, LinkFailure } from '../../../../src-main/services/live/foxglove-link'
import { FoxgloveServer } from '../../../../src-main/services/live/foxglove-ws-protocol'
import { rosReader, rosSchemas, rosWriter } from '../../../../src-main/services/live/ros2-schemas'
import { SessionStore } from '../../../../src-main/services/recordings/session-store'
import { SessionFrameReader } from '../../../../src-main/services/recordings/session-frame-reader'

const demoDir = resolve(import.meta.dirname, '../../../../resources/demo-recording')

let simulator: RobotSimulator

beforeAll(async () => {
  const store = new SessionStore(join(demoDir, 'no-library'), [demoDir])
  simulator = await RobotSimulator.start({
    session: await store.get('demo-apartment'),
    frames: new SessionFrameReader(store),
    port: 0,
    rate: 0.05,
    loop: true,
  })
})
afterAll(() => simulator.close())

/** Opens a raw socket offering `protocols`; resolves with the chosen one or the HTTP status of a refusal. */
function handshake(url: string, protocols: string[]): Promise<{ protocol: string } | { status: number }> {
  return new Promise((resolvePromise, reject) => {
    const ws = new WebSocket(url, protocols)
    ws.on('open', () => {
      resolvePromise({ protocol: ws.protocol })
      ws.close()
    })
    ws.on('unexpected-response', (_req, res) => {
      resolvePromise({ status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.on('error', reject)
  })
}

/** Text and binary frames from a raw client, in arrival order. */
function frameQueue(ws: WebSocket): () => Promise<string | Buffer> {
  const queue: Array<string | Buffer> = []
  const waiting: Array<(v: string | Buffer) => void> = []
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const item = isBinary ? data : data.toString()
    const next = waiting.shift()
    if (next) next(item)
    else queue.push(item)
  })
  return () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r)))
}

describe('subprotocol handshake', () => {
  it('accepts foxglove.sdk.v1 alone, foxglove.websocket.v1 alone and both (sdk first), and answers 400 to neither', async () => {
    expect(await handshake(simulator.url, ['foxglove.sdk.v1'])).toEqual({ protocol: 'foxglove.sdk.v1' })
    expect(await handshake(simulator.url, ['foxglove.websocket.v1'])).toEqual({ protocol: 'foxglove.websocket.v1' })
    expect(await handshake(simulator.url, ['foxglove.sdk.v1', 'foxglove.websocket.v1'])).toEqual({
      protocol: 'foxglove.sdk.v1',
    })
    expect(await handshake(simulator.url, ['foxglove.websocket.v1', 'foxglove.sdk.v1'])).toEqual({
      protocol: 'foxglove.sdk.v1',
    })
    expect(await handshake(simulator.url, ['mqtt'])).toEqual({ status: 400 })
  })

  it('reaches a server that accepts only foxglove.sdk.v1 (foxglove_bridge 3.x)', async () => {
    const server = new FoxgloveServer({ name: 'sdk-only', sessionId: 'a' })
    server.addChannel({
      topic: '/tf',
      encoding: 'cdr',
      schemaName: rosSchemas.tfMessage.name,
      schema: rosSchemas.tfMessage.definition,
      schemaEncoding: 'ros2msg',
    })
    const http = createServer()
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (p) => (p.has('foxglove.sdk.v1') ? 'foxglove.sdk.v1' : false),
    })
    http.on('upgrade', (req, socket, head) => {
      if (!String(req.headers['sec-websocket-protocol']).split(/,\s*/).includes('foxglove.sdk.v1'))
        return socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
      wss.handleUpgrade(req, socket, head, (ws) => server.handleConnection(ws, 'test'))
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
    try {
      expect(await handshake(url, ['foxglove.websocket.v1'])).toEqual({ status: 400 })
      const link = await FoxgloveLink.open(url)
      expect(link.protocol).toBe('foxglove.sdk.v1')
      expect(link.serverInfo.name).toBe('sdk-only')
      expect([...link.channels.values()].map((c) => c.topic)).toEqual(['/tf'])
      link.close()
    } finally {
      for (const c of wss.clients) c.terminate()
      await new Promise((r) => http.close(r))
    }
  })
})

describe('golden frames', () => {
  it('serverInfo, then advertise, then Message Data = 0x01 | u32 subscription | u64 time | CDR payload', async () => {
    const ws = new WebSocket(simulator.url, ['foxglove.sdk.v1'])
    const next = frameQueue(ws)
    const info = JSON.parse((await next()) as string)
    expect(info).toMatchObject({
      op: 'serverInfo',
      capabilities: [],
      supportedEncodings: ['cdr'],
      metadata: { ROS_DISTRO: 'jazzy' },
    })
    expect(typeof info.sessionId).toBe('string')
    const advertise = JSON.parse((await next()) as string)
    expect(advertise.op).toBe('advertise')
    const staticChannel = advertise.channels.find((c: { topic: string }) => c.topic === simulatedTopics.tfStatic)
    expect(staticChannel).toMatchObject({
      encoding: 'cdr',
      schemaName: 'tf2_msgs/msg/TFMessage',
      schemaEncoding: 'ros2msg',
      schema: rosSchemas.tfMessage.definition,
    })
    expect(advertise.channels.map((c: { topic: string }) => c.topic).sort()).toEqual(simulator.topics().sort())
    const before = BigInt(Date.now()) * 1_000_000n
    ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [{ id: 42, channelId: staticChannel.id }] }))
    const frame = (await next()) as Buffer
    ws.close()
    expect(frame[0]).toBe(0x01)
    expect(frame.readUInt32LE(1)).toBe(42)
    const receiveNs = frame.readBigUInt64LE(5)
    // The bridge stamps Message Data with its receive time, not header.stamp.
    expect(receiveNs >= before && receiveNs <= BigInt(Date.now()) * 1_000_000n).toBe(true)
    const message = rosReader(staticChannel.schema).readMessage<{
      transforms: Array<{ child_frame_id: string; header: { frame_id: string } }>
    }>(frame.subarray(13))
    expect(message.transforms[0]).toMatchObject({
      child_frame_id: 'camera_color_optical_frame',
      header: { frame_id: 'camera_link' },
    })
  })
})

describe('CDR with bridge-style schemas', () => {
  it('writes the 80-= separator and MSG headers the bridge uses, and the ROS parser reads them', () => {
    for (const schema of Object.values(rosSchemas)) {
      expect(schema.definition).toContain(`\n${'='.repeat(80)}\nMSG: std_msgs/Header\n`)
      expect(parse(schema.definition, { ros2: true }).length).toBeGreaterThan(2)
    }
  })

  it('round-trips Image, CompressedImage, CameraInfo and TFMessage, also from a view at a non-zero offset', () => {
    const header = { stamp: { sec: 1_795_651_210, nanosec: 799_999_952 }, frame_id: 'camera_color_optical_frame' }
    const depth = new Uint16Array([0, 1, 65535, 1234, 4321, 7])
    const messages = {
      image: {
        header,
        height: 2,
        width: 3,
        encoding: '16UC1',
        is_bigendian: 0,
        step: 6,
        data: new Uint8Array(depth.buffer),
      },
      compressedImage: { header, format: 'jpeg', data: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) },
      cameraInfo: {
        header,
        height: 240,
        width: 320,
        distortion_model: 'plumb_bob',
        d: [0.1, 0, 0, 0, 0],
        k: [262.5, 0, 159.5, 0, 262.5, 119.5, 0, 0, 1],
        r: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        p: [262.5, 0, 159.5, 0, 0, 262.5, 119.5, 0, 0, 0, 1, 0],
        binning_x: 0,
        binning_y: 0,
        roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
      },
      tfMessage: {
        transforms: [
          {
            header,
            child_frame_id: 'camera_link',
            transform: {
              translation: { x: 1.5, y: -2, z: 0.25 },
              rotation: { x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 },
            },
          },
        ],
      },
    } as const
    for (const key of Object.keys(messages) as Array<keyof typeof messages>) {
      const bytes = rosWriter(key).writeMessage(messages[key])
      const shifted = new Uint8Array(bytes.length + 13)
      shifted.set(bytes, 13)
      for (const view of [bytes, shifted.subarray(13)]) {
        const back = rosReader(rosSchemas[key].definition).readMessage<Record<string, unknown>>(view)
        expect(
          JSON.parse(JSON.stringify(back, (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Uint8Array)] : v))),
        ).toEqual(
          JSON.parse(JSON.stringify(messages[key], (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Uint8Array)] : v))),
        )
      }
    }
  })
})

describe('one clear failure per wrong server', () => {
  let http: Server
  let url: string
  beforeAll(async () => {
    // A plain web server, and a WebSocket server that picks no Foxglove subprotocol.
    http = createServer((_req, res) => res.writeHead(404).end())
    const wss = new WebSocketServer({ noServer: true, handleProtocols: () => false })
    http.on('upgrade', (req, socket, head) => {
      if (req.url === '/token') return socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      if (req.url === '/ws') return wss.handleUpgrade(req, socket, head, (ws) => ws.send('hello'))
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
    })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((r) => http.close(r)))

  const failure = (target: string): Promise<LinkFailure> =>
    FoxgloveLink.open(target, { timeoutMs: 3000 }).then(
      (link) => {
        link.close()
        throw new Error('connected')
      },
      (error: LinkFailure) => error,
    )

  it('says a server that is not a Foxglove server is one', async () => {
    const notFoxglove = await failure(`${url}/other`)
    expect(notFoxglove.kind).toBe('protocol')
    expect(notFoxglove.message).toMatch(/does not speak the Foxglove WebSocket protocol \(HTTP 404/)
    const noSubprotocol = await failure(`${url}/ws`)
    expect(noSubprotocol.kind).toBe('protocol')
    expect(noSubprotocol.message).toMatch(/speaks another protocol/)
  })

  it('says a wrong token is a wrong token, and nothing listening is nothing listening', async () => {
    const token = await failure(`${url}/token`)
    expect(token.kind).toBe('unauthorized')
    expect(token.message).toMatch(/token is wrong or missing/)
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const refused = await failure(`ws://127.0.0.1:${port}`)
    expect(refused.kind).toBe('unreachable')
    expect(refused.message).toMatch(/connection refused/)
  })
})
