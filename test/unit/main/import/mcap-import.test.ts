/** MCAP import on ROS 2 recordings the test writes: topics, encodings, association, tf poses, errors. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConsoleError } from '../../../../src-main/contract'
import { detectFormats, importSession } from '../../../../src-main/services/recordings/import'
import { cameraX, fixtureCamera, wallDepthMeters, writeChatterMcap, writeRgbdMcap } from './mcap-fixture'
import { importInto, libraryEntries, readDepthPng, temporaryDirsForFile, testJobContext } from './import-test-kit'
import { poseAgreement } from './pose-agreement'

const dirs = temporaryDirsForFile('mcap-src', 'mcap-lib')
const work = (): string => dirs['mcap-src']
const library = (): string => dirs['mcap-lib']

describe('ROS 2 MCAP with 16UC1 depth, rgb8 colour, CameraInfo and tf', () => {
  const frames = 6
  let path = ''
  beforeAll(async () => {
    path = join(work(), 'rgbd-16u.mcap')
    await writeRgbdMcap(path, { frames, depthEncoding: '16UC1', colour: 'rgb8' })
  })

  it('is detected as MCAP', async () => {
    const [detected] = await detectFormats(path)
    expect(detected?.format).toBe('mcap')
    expect(detected?.frameCount).toBe(frames)
    expect(detected?.topics?.map((t) => `${t.topic} ${t.schemaName}`)).toContain(
      '/camera/depth/image_raw sensor_msgs/msg/Image',
    )
  })

  it('imports every frame with CameraInfo intrinsics and millimetre depth', async () => {
    const { report, manifest, dir } = await importInto(library(), path)
    expect(report.format).toBe('mcap')
    expect(report.imported).toBe(frames)
    expect(report.skipped).toEqual([])
    expect(report.intrinsicsAssumed).toBe(false)
    const { width, height, fx, fy, cx, cy } = fixtureCamera
    expect(manifest.camera).toEqual({ width, height, fx, fy, cx, cy })
    expect(manifest.depthUnitMeters).toBe(0.001)
    const depth = await readDepthPng(join(dir, manifest.frames[2]!.depth))
    expect(depth.data[1]! * manifest.depthUnitMeters).toBeCloseTo(wallDepthMeters, 6)
    expect(depth.data[width]).toBe(0)
    expect(manifest.frames[1]!.timestampSec).toBeCloseTo(0.1, 6)
  })

  it('chains /tf_static and /tf into camera→world poses of the optical frame', async () => {
    const { manifest, dir } = await importInto(library(), path)
    expect(manifest.hasPoses).toBe(true)
    for (const [k, frame] of manifest.frames.entries()) {
      const m = frame.worldFromCamera!
      const expected = [0, cameraX(k), 0.5]
      ;[m[3], m[7], m[11]].forEach((v, axis) => expect(v).toBeCloseTo(expected[axis]!, 6))
      // The optical z axis (third column) is the robot's forward x axis; optical y points down.
      expect([m[2], m[6], m[10]].map((v) => Math.round(v!))).toEqual([1, 0, 0])
      expect([m[1], m[5], m[9]].map((v) => Math.round(v!))).toEqual([0, 0, -1])
    }
    const agreement = await poseAgreement(dir, manifest, 0, frames - 1, { toleranceMeters: 0.01, stride: 1 })
    expect(agreement.share).toBeGreaterThan(0.95)
  })

  it('stops the tf chain at a chosen world frame', async () => {
    const { manifest } = await importInto(library(), path, { mcap: { worldFrame: 'base_link' } })
    for (const frame of manifest.frames)
      expect([frame.worldFromCamera![3], frame.worldFromCamera![7], frame.worldFromCamera![11]]).toEqual([0, 0, 0.5])
  })

  it('warns when the tf tree does not reach the chosen world frame', async () => {
    const { manifest, report } = await importInto(library(), path, { mcap: { worldFrame: 'map' } })
    expect(manifest.hasPoses).toBe(false)
    expect(report.warnings.join(' ')).toMatch(
      /6 frames have no pose: the tf tree has no transform from "camera_depth_optical_frame" to "map"/,
    )
  })

  it('reads the colour topic in RGB order', async () => {
    const { manifest, dir } = await importInto(library(), path)
    const { data } = await sharp(join(dir, manifest.frames[0]!.rgb)).raw().toBuffer({ resolveWithObject: true })
    expect([...data.subarray(0, 6)]).toEqual([0, 7, 14, 21, 28, 35])
  })

  it('refuses a topic that is not in the file, naming the topics', async () => {
    await expect(importSession(path, { mcap: { depthTopic: '/nope' } }, library(), testJobContext())).rejects.toThrow(
      /\/nope.*\/camera\/depth\/image_raw/,
    )
  })
})

describe('ROS 2 MCAP with 32FC1 depth, bgr8/JPEG colour and time offsets', () => {
  it('converts float metres to millimetres, NaN to invalid, and copies JPEG colour', async () => {
    const path = join(work(), 'rgbd-32f.mcap')
    await writeRgbdMcap(path, { frames: 3, depthEncoding: '32FC1', colour: 'jpeg' })
    const { report, manifest, dir } = await importInto(library(), path)
    expect(report.imported).toBe(3)
    expect(manifest.frames[0]!.rgb).toMatch(/\.jpg$/)
    const depth = await readDepthPng(join(dir, manifest.frames[0]!.depth))
    expect(depth.data[5]).toBe(wallDepthMeters * 1000)
    expect(depth.data[0]).toBe(0)
  })

  it('imports without poses when the file has no tf', async () => {
    const path = join(work(), 'rgbd-no-tf.mcap')
    await writeRgbdMcap(path, { frames: 2, depthEncoding: '16UC1', colour: 'rgb8', tf: false })
    const { manifest, report } = await importInto(library(), path)
    expect(report.imported).toBe(2)
    expect(manifest.hasPoses).toBe(false)
    expect(manifest.frames.every((f) => f.worldFromCamera === null)).toBe(true)
  })

  it('swaps bgr8 into RGB', async () => {
    const path = join(work(), 'rgbd-bgr.mcap')
    await writeRgbdMcap(path, { frames: 2, depthEncoding: '16UC1', colour: 'bgr8' })
    const { manifest, dir } = await importInto(library(), path)
    const { data } = await sharp(join(dir, manifest.frames[0]!.rgb)).raw().toBuffer({ resolveWithObject: true })
    expect([...data.subarray(0, 3)]).toEqual([14, 7, 0])
  })

  it('associates colour and depth only within the time tolerance', async () => {
    const path = join(work(), 'rgbd-offset.mcap')
    await writeRgbdMcap(path, { frames: 3, depthEncoding: '16UC1', colour: 'rgb8', colourOffsetSec: 0.04 })
    await expect(importSession(path, {}, library(), testJobContext())).rejects.toThrow(
      /no frames found|no frame could be imported/,
    )
    const { report } = await importInto(library(), path, { maxTimeDifferenceSec: 0.05 })
    expect(report.imported).toBe(3)
  })

  it('reports a depth message of the wrong size and keeps the other frames', async () => {
    const path = join(work(), 'rgbd-broken.mcap')
    await writeRgbdMcap(path, { frames: 4, depthEncoding: '16UC1', colour: 'rgb8', brokenDepthFrame: 2 })
    const { report } = await importInto(library(), path)
    expect(report.imported).toBe(3)
    expect(report.skipped).toHaveLength(1)
    expect(report.skipped[0]!.file).toContain('/camera/depth/image_raw')
    expect(report.skipped[0]!.reason).toMatch(/depth is 32×20.*32×24/)
  })
})

describe('MCAP without RGB-D topics', () => {
  it('names a file that is not a readable MCAP', async () => {
    const path = join(work(), 'broken.mcap')
    await writeFile(path, 'this is not an MCAP file')
    const error = await importSession(path, {}, library(), testJobContext()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).message).toMatch(/broken\.mcap: not a readable indexed MCAP file/)
  })

  it('fails with a message listing the topics and leaves nothing behind', async () => {
    const path = join(work(), 'chatter.mcap')
    await writeChatterMcap(path)
    const before = await libraryEntries(library())
    const error = await importSession(path, {}, library(), testJobContext()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleError)
    expect((error as ConsoleError).code).toBe('unsupported')
    expect((error as ConsoleError).message).toContain('chatter.mcap')
    expect((error as ConsoleError).message).toContain('/chatter (std_msgs/msg/String)')
    expect(await libraryEntries(library())).toEqual(before)
  })
})

describe('ROS 2 MCAP with zstd-compressed chunks', () => {
  it('imports every frame with the same depth as an uncompressed file', async () => {
    const path = join(work(), 'rgbd-zstd.mcap')
    await writeRgbdMcap(path, { frames: 4, depthEncoding: '16UC1', colour: 'rgb8', zstdChunks: true })
    // The chunk records name their compression.
    expect((await readFile(path)).includes('zstd')).toBe(true)
    const { report, manifest, dir } = await importInto(library(), path)
    expect(report.imported).toBe(4)
    expect(report.skipped).toEqual([])
    const depth = await readDepthPng(join(dir, manifest.frames[3]!.depth))
    expect(depth.data[1]! * manifest.depthUnitMeters).toBeCloseTo(wallDepthMeters, 6)
  })
})

describe('ROS 1 recording converted from a .bag (mcap convert)', () => {
  it('imports colour, depth, CameraInfo intrinsics (K) and tf poses as from ROS 2', async () => {
    const path = join(work(), 'rgbd-ros1.mcap')
    await writeRgbdMcap(path, { frames: 4, depthEncoding: '16UC1', colour: 'jpeg', ros1: true })
    const [detected] = await detectFormats(path)
    expect(detected?.topics?.map((t) => t.schemaName)).toContain('sensor_msgs/Image')
    const { report, manifest, dir } = await importInto(library(), path)
    expect(report.imported).toBe(4)
    const { width, height, fx, fy, cx, cy } = fixtureCamera
    expect(manifest.camera).toEqual({ width, height, fx, fy, cx, cy })
    const depth = await readDepthPng(join(dir, manifest.frames[3]!.depth))
    expect(depth.data[1]! * manifest.depthUnitMeters).toBeCloseTo(wallDepthMeters, 6)
    expect(manifest.frames[1]!.timestampSec).toBeCloseTo(0.1, 6)
    for (const [k, frame] of manifest.frames.entries()) expect(frame.worldFromCamera![7]).toBeCloseTo(cameraX(k), 6)
  })
})

describe('ROS 1 bag', () => {
  it('imports colour, depth, CameraInfo intrinsics and tf poses straight from the .bag', async () => {
    const path = join(work(), 'rgbd.bag')
    await writeRgbdMcap(path, { frames: 4, depthEncoding: '32FC1', colour: 'rgb8', bag: true })
    const [detected] = await detectFormats(path)
    expect(detected).toMatchObject({ format: 'rosbag', frameCount: 4 })
    const { report, manifest, dir } = await importInto(library(), path)
    expect(report.format).toBe('rosbag')
    expect(report.imported).toBe(4)
    const { width, height, fx, fy, cx, cy } = fixtureCamera
    expect(manifest.camera).toEqual({ width, height, fx, fy, cx, cy })
    const depth = await readDepthPng(join(dir, manifest.frames[2]!.depth))
    expect(depth.data[1]! * manifest.depthUnitMeters).toBeCloseTo(wallDepthMeters, 6)
    expect(depth.data[width]).toBe(0)
    for (const [k, frame] of manifest.frames.entries()) expect(frame.worldFromCamera![7]).toBeCloseTo(cameraX(k), 6)
  })
})
