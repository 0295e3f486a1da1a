/**
 * ROS MCAP recordings (ROS 2, or ROS 1 converted from a .bag with `mcap convert`): a colour topic (Image rgb8/bgr8/… or CompressedImage), a depth topic (Image
 * 16UC1 or 32FC1), CameraInfo for intrinsics and /tf + /tf_static for poses. Topics are chosen in
 * the options or detected; depth frames are associated with the nearest colour frame in time.
 * Images are read again from the file while the session is written, so memory stays bounded.
 */
import { ConsoleError, type ImportOptions, type PinholeIntrinsics } from '../../../contract'
import type { JobContext } from '../../jobs/job-runner'
import type { FormatReader, ImportPlan, PlannedFrame } from './import-plan'
import { BagFile } from './bag-file'
import { McapFile } from './mcap-file'
import { readMessage, type MessageRef, type RosRecording, type RosTopic } from './ros-recording'
import {
  colourFromRos,
  depthEncodings,
  depthFromRos,
  rosCompressedImageSchemas,
  rosDepthUnitMeters,
  rosImageSchemas,
  stampSeconds,
  type RosAnyImage,
} from './ros-images'
import type { SourceTree } from './source-tree'
import { TfBuffer, type RosTransformStamped } from './tf-buffer'
import { associateOneToOne } from './timestamp-association'

const cameraInfoSchemas = new Set(['sensor_msgs/msg/CameraInfo', 'sensor_msgs/CameraInfo'])
// tf/tfMessage: older ROS 1 bags (same fields).
const tfSchemas = new Set(['tf2_msgs/msg/TFMessage', 'tf2_msgs/TFMessage', 'tf/tfMessage'])
const defaultToleranceSec = 0.02
/** How far from a dynamic transform's samples a lookup may be and still be used. */
const tfMaxGapSec = 0.1

interface RosCameraInfo {
  width: number
  height: number
  k: number[] | Float64Array
}

interface StampedRef {
  ref: MessageRef
  timeSec: number
  frameId: string
}

/** The file itself, or the first of a folder of them (split bags: the others are named in a warning). */
async function recordingFiles(tree: SourceTree, pattern: RegExp): Promise<string[]> {
  if (tree.singleFile) return pattern.test(tree.singleFile) ? [tree.path(tree.singleFile)] : []
  return (await tree.files('', pattern)).map((name) => tree.path(name))
}

const describeTopics = (topics: RosTopic[]): string =>
  topics.map((t) => `${t.topic} (${t.schemaName})`).join(', ') || 'none'

function requireTopic(
  file: RosRecording,
  topics: RosTopic[],
  topic: string,
  schemas: Set<string>,
  what: string,
): string {
  const found = topics.find((t) => t.topic === topic)
  if (!found || !schemas.has(found.schemaName))
    throw new ConsoleError(
      'invalid_input',
      `${file.path}: ${what} topic "${topic}" is not in the file as ${[...schemas][0]}. Topics: ${describeTopics(topics)}.`,
      { file: file.path },
    )
  return topic
}

async function firstMessage<T>(file: RosRecording, topic: string): Promise<T | null> {
  for await (const { message } of file.messages<T>([topic])) return message
  return null
}

/** Image topics split by what their first message holds. */
async function classifyImageTopics(
  file: RosRecording,
  topics: RosTopic[],
): Promise<{ colour: string[]; depth: string[] }> {
  const colour: string[] = []
  const depth: string[] = []
  for (const t of topics) {
    if (rosCompressedImageSchemas.has(t.schemaName)) (/depth/i.test(t.topic) ? depth : colour).push(t.topic)
    else if (rosImageSchemas.has(t.schemaName)) {
      const first = await firstMessage<{ encoding: string }>(file, t.topic)
      if (first) (depthEncodings.has(first.encoding) ? depth : colour).push(t.topic)
    }
  }
  const colourFirst = (a: string, b: string): number => Number(/colou?r|rgb/i.test(b)) - Number(/colou?r|rgb/i.test(a))
  return { colour: colour.sort(colourFirst), depth }
}

const commonPrefixLength = (a: string, b: string): number => {
  let n = 0
  while (n < a.length && a[n] === b[n]) n++
  return n
}

async function readIntrinsics(
  file: RosRecording,
  topics: RosTopic[],
  depthTopic: string,
  options: ImportOptions,
): Promise<PinholeIntrinsics | null> {
  const infoTopic = options.mcap?.cameraInfoTopic
    ? requireTopic(file, topics, options.mcap.cameraInfoTopic, cameraInfoSchemas, 'camera info')
    : topics
        .filter((t) => cameraInfoSchemas.has(t.schemaName))
        .sort((a, b) => commonPrefixLength(b.topic, depthTopic) - commonPrefixLength(a.topic, depthTopic))[0]?.topic
  const info = infoTopic ? await firstMessage<RosCameraInfo>(file, infoTopic) : null
  if (!info || !info.k[0] || !info.k[4]) return null
  return { fx: info.k[0], fy: info.k[4], cx: info.k[2]!, cy: info.k[5]! }
}

async function readTf(file: RosRecording, topics: RosTopic[]): Promise<TfBuffer> {
  const tf = new TfBuffer()
  const tfTopics = topics.filter((t) => tfSchemas.has(t.schemaName)).map((t) => t.topic)
  if (tfTopics.length > 0)
    for await (const { ref, message } of file.messages<{ transforms: RosTransformStamped[] }>(tfTopics))
      for (const transform of message.transforms) tf.add(transform, ref.topic.endsWith('tf_static'))
  tf.finish()
  return tf
}

async function stampedRefs(
  file: RosRecording,
  topic: string,
  ctx: JobContext,
  total: number | null,
): Promise<StampedRef[]> {
  const refs: StampedRef[] = []
  for await (const { ref, message } of file.messages<RosAnyImage>([topic])) {
    const stamp = stampSeconds(message.header.stamp)
    refs.push({ ref, timeSec: stamp > 0 ? stamp : Number(ref.logTime) * 1e-9, frameId: message.header.frame_id })
    if (refs.length % 50 === 0) {
      ctx.throwIfCancelled()
      ctx.progress(refs.length, total ?? 0, `Scanning ${topic}`)
    }
  }
  return refs.sort((a, b) => a.timeSec - b.timeSec)
}

async function planMcap(file: RosRecording, options: ImportOptions, ctx: JobContext): Promise<ImportPlan> {
  const topics = file.topics()
  const imageSchemas = new Set([...rosImageSchemas, ...rosCompressedImageSchemas])
  const classified = await classifyImageTopics(file, topics)
  const rgbTopic = options.mcap?.rgbTopic
    ? requireTopic(file, topics, options.mcap.rgbTopic, imageSchemas, 'colour')
    : classified.colour[0]
  const depthTopic = options.mcap?.depthTopic
    ? requireTopic(file, topics, options.mcap.depthTopic, imageSchemas, 'depth')
    : classified.depth[0]
  if (!rgbTopic || !depthTopic)
    throw new ConsoleError(
      'unsupported',
      `${file.path}: no ${rgbTopic ? 'depth' : 'colour'} image topic, so this is not an RGB-D recording (or choose the topics in the import options). Topics: ${describeTopics(topics)}.`,
      { file: file.path },
    )
  const warnings: string[] = []
  if (classified.depth.length > 1 && !options.mcap?.depthTopic)
    warnings.push(
      `Depth from ${depthTopic}; the file also has ${classified.depth.filter((t) => t !== depthTopic).join(', ')}.`,
    )
  if (classified.colour.length > 1 && !options.mcap?.rgbTopic)
    warnings.push(
      `Colour from ${rgbTopic}; the file also has ${classified.colour.filter((t) => t !== rgbTopic).join(', ')}.`,
    )

  const count = (topic: string): number | null => topics.find((t) => t.topic === topic)?.messageCount ?? null
  const [camera, tf, rgbRefs, depthRefs] = [
    await readIntrinsics(file, topics, depthTopic, options),
    await readTf(file, topics),
    await stampedRefs(file, rgbTopic, ctx, count(rgbTopic)),
    await stampedRefs(file, depthTopic, ctx, count(depthTopic)),
  ]
  const toleranceSec = options.maxTimeDifferenceSec ?? defaultToleranceSec
  const pairs = associateOneToOne(
    depthRefs.map((d) => d.timeSec),
    rgbRefs.map((r) => r.timeSec),
    toleranceSec,
  )
  if (pairs.length < depthRefs.length)
    warnings.push(
      `${depthRefs.length - pairs.length} depth images had no colour image within ${toleranceSec} s and were left out.`,
    )

  const cameraFrame = depthRefs[0]?.frameId ?? ''
  const worldFrame = options.mcap?.worldFrame ?? tf.rootOf(cameraFrame)
  if (tf.size > 0 && !/optical/i.test(cameraFrame))
    warnings.push(
      `The depth frame "${cameraFrame}" is not an optical frame; its axes are taken as OpenCV (x right, y down, z forward).`,
    )
  let unposed = 0
  const frames: PlannedFrame[] = pairs.map(([di, ri]) => {
    const depth = depthRefs[di]!
    const rgb = rgbRefs[ri]!
    const pose = tf.size > 0 ? tf.lookup(depth.frameId, worldFrame, depth.timeSec, tfMaxGapSec) : null
    if (typeof pose === 'string' || (tf.size > 0 && !pose)) unposed++
    const label = (r: StampedRef): string => `${file.path} ${r.ref.topic} @ ${r.timeSec.toFixed(6)} s`
    return {
      sourceName: depth.timeSec.toFixed(6),
      timestampSec: depth.timeSec,
      rgb: {
        kind: 'loaded',
        label: label(rgb),
        load: async () => colourFromRos(await readMessage<RosAnyImage>(file, rgb.ref)),
      },
      depth: {
        kind: 'loaded',
        label: label(depth),
        load: async () => depthFromRos(await readMessage<RosAnyImage>(file, depth.ref)),
      },
      worldFromCamera: Array.isArray(pose) ? pose : null,
      poseOrigin: { file: `${file.path} /tf` },
    }
  })
  if (unposed > 0)
    warnings.push(
      `${unposed} frames have no pose: the tf tree has no transform from "${cameraFrame}" to "${worldFrame}" near their time.`,
    )
  return {
    camera,
    depthUnitMeters: rosDepthUnitMeters,
    depthInvalidValues: [0],
    depthEncoding: 'plain',
    frames,
    issues: [],
    warnings,
    close: () => file.close(),
  }
}

/** A reader for one container of ROS recordings (MCAP, ROS 1 bag): the same topics, pairing and tf. */
function rosRecordingReader(
  format: 'mcap' | 'rosbag',
  label: string,
  container: { name: string; pattern: RegExp; open: (path: string) => Promise<RosRecording> },
): FormatReader {
  return {
    format,
    label,
    async detect(tree) {
      const [path] = await recordingFiles(tree, container.pattern)
      if (!path) return null
      const name = path.slice(tree.root.length + 1)
      let file: RosRecording
      try {
        file = await container.open(path)
      } catch (error) {
        return {
          confidence: 0.5,
          reason: error instanceof Error ? error.message : String(error),
          frameCount: null,
          needs: [],
        }
      }
      try {
        const topics = file.topics()
        const images = topics.filter(
          (t) => rosImageSchemas.has(t.schemaName) || rosCompressedImageSchemas.has(t.schemaName),
        )
        const depthCount = images.find((t) => /depth/i.test(t.topic))?.messageCount ?? null
        return {
          confidence: images.length >= 2 ? 0.95 : 0.6,
          reason: `${name} is ${container.name} with ${images.length} image topics`,
          frameCount: depthCount,
          needs: [],
          topics,
        }
      } finally {
        await file.close()
      }
    },
    async plan(tree, options, ctx) {
      const [path, ...others] = await recordingFiles(tree, container.pattern)
      const file = await container.open(path!)
      try {
        const plan = await planMcap(file, options, ctx)
        if (others.length > 0)
          plan.warnings.push(
            `Only ${path} was imported; import the other parts of the split bag on their own: ${others.join(', ')}.`,
          )
        return plan
      } catch (error) {
        await file.close()
        throw error
      }
    },
  }
}

export const mcapReader = rosRecordingReader(
  'mcap',
  'ROS MCAP (Image/CompressedImage, CameraInfo, tf; ROS 2, or ROS 1 converted from a .bag)',
  { name: 'an MCAP file', pattern: /\.mcap$/i, open: (path) => McapFile.open(path) },
)

export const rosbagReader = rosRecordingReader('rosbag', 'ROS 1 bag (Image/CompressedImage, CameraInfo, tf)', {
  name: 'a ROS 1 bag',
  pattern: /\.bag$/i,
  open: (path) => BagFile.open(path),
})
