/**
 * Writes small ROS 2 MCAP recordings for the MCAP import tests with @mcap/core's McapWriter and
 * CDR serialization — or ROS 1 serialization, as `mcap convert` makes from a .bag: a camera
 * sliding along +x in front of a wall at a known depth.
 */
import { writeFile } from 'node:fs/promises'
import { McapWriter, type IWritable } from '@mcap/core'
import { parse } from '@foxglove/rosmsg'
import { MessageWriter as Ros1MessageWriter } from '@foxglove/rosmsg-serialization'
import { MessageWriter } from '@foxglove/rosmsg2-serialization'
import sharp from 'sharp'
import {
  cameraInfoDefinition,
  compressedImageDefinition,
  imageDefinition,
  stringDefinition,
  tfMessageDefinition,
} from './ros2-definitions'
import { TestBag } from './bag-writer'
import {
  inRos1Fields,
  ros1CameraInfoDefinition,
  ros1CompressedImageDefinition,
  ros1ImageDefinition,
  ros1TfMessageDefinition,
} from './ros1-definitions'

class MemoryWritable implements IWritable {
  private readonly parts: Uint8Array[] = []
  private size = 0n
  async write(buffer: Uint8Array): Promise<void> {
    this.parts.push(buffer.slice())
    this.size += BigInt(buffer.length)
  }
  position(): bigint {
    return this.size
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts)
  }
}

export interface TopicWriter {
  add(timeSec: number, message: unknown): Promise<void>
}

/** An MCAP being written in memory; `save` writes it out. */
export class TestMcap {
  private readonly sink = new MemoryWritable()
  private readonly writer: McapWriter
  private started = false

  constructor(
    compressChunk?: (data: Uint8Array) => { compression: string; compressedData: Uint8Array },
    private readonly ros1 = false,
  ) {
    // Small chunks so a compressed file has several.
    this.writer = new McapWriter({ writable: this.sink, compressChunk, chunkSize: 16 * 1024 })
  }

  /** A topic; with `ros1`, the ROS 1 schema name and definition are used and messages are renamed to ROS 1 fields. */
  async topic(name: string, schemaName: string, definition: string, ros1Definition = definition): Promise<TopicWriter> {
    const ros1 = this.ros1
    if (!this.started) {
      await this.writer.start({ profile: ros1 ? 'ros1' : 'ros2', library: 'dve-console tests' })
      this.started = true
    }
    const text = ros1 ? ros1Definition : definition
    const schemaId = await this.writer.registerSchema({
      name: ros1 ? schemaName.replace('/msg/', '/') : schemaName,
      encoding: ros1 ? 'ros1msg' : 'ros2msg',
      data: new TextEncoder().encode(text),
    })
    const channelId = await this.writer.registerChannel({
      topic: name,
      schemaId,
      messageEncoding: ros1 ? 'ros1' : 'cdr',
      metadata: new Map(),
    })
    const cameraInfo = schemaName.endsWith('CameraInfo')
    const serializer = ros1
      ? { writeMessage: (m: unknown) => new Ros1MessageWriter(parse(text)).writeMessage(inRos1Fields(m, cameraInfo)) }
      : new MessageWriter(parse(text, { ros2: true }))
    let sequence = 0
    return {
      add: async (timeSec, message) => {
        const time = BigInt(Math.round(timeSec * 1e9))
        await this.writer.addMessage({
          channelId,
          sequence: sequence++,
          logTime: time,
          publishTime: time,
          data: serializer.writeMessage(message),
        })
      },
    }
  }

  async save(path: string): Promise<void> {
    await this.writer.end()
    await writeFile(path, this.sink.bytes())
  }
}

export const stamp = (timeSec: number): { sec: number; nanosec: number } => ({
  sec: Math.floor(timeSec),
  nanosec: Math.round((timeSec % 1) * 1e9),
})
export const header = (
  timeSec: number,
  frameId: string,
): { stamp: { sec: number; nanosec: number }; frame_id: string } => ({ stamp: stamp(timeSec), frame_id: frameId })

export const fixtureCamera = { width: 32, height: 24, fx: 30, fy: 31, cx: 15.5, cy: 11.5 }
export const wallDepthMeters = 2
/** Camera x position at frame k (metres): a 0.1 m step per frame. */
export const cameraX = (k: number): number => 0.1 * k

export interface RgbdMcapOptions {
  frames: number
  depthEncoding: '16UC1' | '32FC1'
  colour: 'rgb8' | 'bgr8' | 'jpeg'
  /** Colour stamps are offset from depth by this much (association). */
  colourOffsetSec?: number
  /** Frame whose depth message has a wrong size (reported, others kept). */
  brokenDepthFrame?: number
  /** Write /tf and /tf_static (default true). */
  tf?: boolean
  /** Compress the chunks with zstd (as rosbag2 and Foxglove often do). */
  zstdChunks?: boolean
  /** ROS 1 encoding, as `mcap convert` writes a .bag. */
  ros1?: boolean
  /** Write a ROS 1 bag instead of an MCAP (ROS 1 encoding). */
  bag?: boolean
}

async function zstdChunk(): Promise<(data: Uint8Array) => { compression: string; compressedData: Uint8Array }> {
  const zstd = await import('@foxglove/wasm-zstd')
  await zstd.isLoaded
  return (data) => ({ compression: 'zstd', compressedData: new Uint8Array(zstd.compress(data)) })
}

function depthImage(encoding: '16UC1' | '32FC1', width: number, height: number): { step: number; data: Uint8Array } {
  const { width: w } = fixtureCamera
  const bytes = encoding === '16UC1' ? 2 : 4
  const data = new Uint8Array(width * height * bytes)
  const view = new DataView(data.buffer)
  for (let p = 0; p < width * height; p++) {
    // One invalid pixel per row to check that invalid depth stays 0.
    const invalid = p % w === 0
    if (encoding === '16UC1') view.setUint16(p * 2, invalid ? 0 : wallDepthMeters * 1000, true)
    else view.setFloat32(p * 4, invalid ? Number.NaN : wallDepthMeters, true)
  }
  return { step: width * bytes, data }
}

async function colourMessage(
  kind: RgbdMcapOptions['colour'],
  timeSec: number,
  k: number,
): Promise<{ schema: 'image' | 'compressed'; message: unknown }> {
  const { width, height } = fixtureCamera
  const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 7 + k * 13) % 256)
  if (kind === 'jpeg') {
    const data = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .jpeg()
      .toBuffer()
    return {
      schema: 'compressed',
      message: { header: header(timeSec, 'camera_color_optical_frame'), format: 'jpeg', data },
    }
  }
  return {
    schema: 'image',
    message: {
      header: header(timeSec, 'camera_color_optical_frame'),
      height,
      width,
      encoding: kind,
      is_bigendian: 0,
      step: width * 3,
      data: rgb,
    },
  }
}

/**
 * /camera/color (Image or CompressedImage), /camera/depth/image_raw, /camera/depth/camera_info,
 * /tf_static (base_link → camera_depth_optical_frame) and /tf (odom → base_link moving along x).
 */
export async function writeRgbdMcap(path: string, options: RgbdMcapOptions): Promise<void> {
  const mcap = options.bag
    ? new TestBag()
    : new TestMcap(options.zstdChunks ? await zstdChunk() : undefined, options.ros1)
  const compressed = options.colour === 'jpeg'
  const colour = await mcap.topic(
    '/camera/color/image',
    compressed ? 'sensor_msgs/msg/CompressedImage' : 'sensor_msgs/msg/Image',
    compressed ? compressedImageDefinition : imageDefinition,
    compressed ? ros1CompressedImageDefinition : ros1ImageDefinition,
  )
  const depth = await mcap.topic(
    '/camera/depth/image_raw',
    'sensor_msgs/msg/Image',
    imageDefinition,
    ros1ImageDefinition,
  )
  const info = await mcap.topic(
    '/camera/depth/camera_info',
    'sensor_msgs/msg/CameraInfo',
    cameraInfoDefinition,
    ros1CameraInfoDefinition,
  )
  const tfStatic = await mcap.topic(
    '/tf_static',
    'tf2_msgs/msg/TFMessage',
    tfMessageDefinition,
    ros1TfMessageDefinition,
  )
  const tf = await mcap.topic('/tf', 'tf2_msgs/msg/TFMessage', tfMessageDefinition, ros1TfMessageDefinition)
  const { width, height, fx, fy, cx, cy } = fixtureCamera
  const t0 = 100
  // The optical frame sits 0.5 m above base_link, looking along base_link's x: rotate so z_optical = x_base.
  const opticalRotation = { x: -0.5, y: 0.5, z: -0.5, w: 0.5 }
  const withTf = options.tf ?? true
  if (withTf)
    await tfStatic.add(t0, {
      transforms: [
        {
          header: header(t0, 'base_link'),
          child_frame_id: 'camera_depth_optical_frame',
          transform: { translation: { x: 0, y: 0, z: 0.5 }, rotation: opticalRotation },
        },
      ],
    })
  for (let k = 0; k < options.frames; k++) {
    const t = t0 + k / 10
    // Motion along base y (sideways for the camera) keeps the wall at the same depth.
    if (withTf)
      await tf.add(t, {
        transforms: [
          {
            header: header(t, 'odom'),
            child_frame_id: 'base_link',
            transform: { translation: { x: 0, y: cameraX(k), z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
          },
        ],
      })
    await info.add(t, {
      header: header(t, 'camera_depth_optical_frame'),
      height,
      width,
      distortion_model: 'plumb_bob',
      d: [0, 0, 0, 0, 0],
      k: [fx, 0, cx, 0, fy, cy, 0, 0, 1],
      r: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      p: [fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0],
      binning_x: 0,
      binning_y: 0,
      roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
    })
    const broken = k === options.brokenDepthFrame
    const image = depthImage(options.depthEncoding, width, broken ? height - 4 : height)
    await depth.add(t, {
      header: header(t, 'camera_depth_optical_frame'),
      height: broken ? height - 4 : height,
      width,
      encoding: options.depthEncoding,
      is_bigendian: 0,
      ...image,
    })
    const c = await colourMessage(options.colour, t + (options.colourOffsetSec ?? 0.004), k)
    await colour.add(t + (options.colourOffsetSec ?? 0.004), c.message)
  }
  await mcap.save(path)
}

/** An MCAP without images: a chatter topic and tf, for the "not RGB-D" error. */
export async function writeChatterMcap(path: string): Promise<void> {
  const mcap = new TestMcap()
  const chatter = await mcap.topic('/chatter', 'std_msgs/msg/String', stringDefinition)
  for (let k = 0; k < 3; k++) await chatter.add(k, { data: `hello ${k}` })
  await mcap.save(path)
}
