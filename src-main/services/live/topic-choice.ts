/**
 * Which advertised topics are the colour image, the depth image, the CameraInfo and tf, where their
 * names and types make it clear (the person can choose others). Same rules as the MCAP importer:
 * "depth" in the name marks depth; colour prefers "color"/"rgb"; CameraInfo shares the depth's prefix.
 */
import type { LiveTopic, LiveTopicListing } from '../../contract'
import { rosCompressedImageSchemas, rosImageSchemas } from '../recordings/import/ros-images'

export const cameraInfoSchemas = new Set(['sensor_msgs/msg/CameraInfo', 'sensor_msgs/CameraInfo'])
export const tfSchemas = new Set(['tf2_msgs/msg/TFMessage', 'tf2_msgs/TFMessage'])

const isImage = (t: LiveTopic): boolean =>
  rosImageSchemas.has(t.schemaName) || rosCompressedImageSchemas.has(t.schemaName)
const isDepthName = (topic: string): boolean => /depth/i.test(topic)
/** Lower is better: named colour, then raw images (exact pixels) before compressed ones. */
const colourRank = (t: LiveTopic): number =>
  Number(!/colou?r|rgb/i.test(t.topic)) * 2 + Number(rosCompressedImageSchemas.has(t.schemaName))
/**
 * Raw depth first (exact samples, no PNG decode), then image_transport's compressedDepth, last other
 * compressed images (8-bit JPEG/PNG, which cannot hold depth; choosing one is said clearly).
 */
const depthTransportRank = (t: LiveTopic): number =>
  !rosCompressedImageSchemas.has(t.schemaName) ? 0 : /\/compressedDepth$/.test(t.topic) ? 1 : 2
const depthRank = (t: LiveTopic): number => depthTransportRank(t) * 2 + Number(!/aligned|registered/i.test(t.topic))

const commonPrefixLength = (a: string, b: string): number => {
  let n = 0
  while (n < a.length && a[n] === b[n]) n++
  return n
}

export function suggestTopics(topics: LiveTopic[]): LiveTopicListing['suggested'] {
  const images = topics.filter(isImage)
  const colour = images.filter((t) => !isDepthName(t.topic)).sort((a, b) => colourRank(a) - colourRank(b))[0] ?? null
  const depth = images.filter((t) => isDepthName(t.topic)).sort((a, b) => depthRank(a) - depthRank(b))[0] ?? null
  const info = depth
    ? (topics
        .filter((t) => cameraInfoSchemas.has(t.schemaName))
        .sort((a, b) => commonPrefixLength(b.topic, depth.topic) - commonPrefixLength(a.topic, depth.topic))[0] ?? null)
    : null
  return {
    rgbTopic: colour?.topic ?? null,
    depthTopic: depth?.topic ?? null,
    cameraInfoTopic: info?.topic ?? null,
    tfTopics: topics.filter((t) => tfSchemas.has(t.schemaName)).map((t) => t.topic),
  }
}

export function describeTopics(topics: LiveTopic[]): string {
  return topics.map((t) => `${t.topic} (${t.schemaName})`).join(', ') || 'none'
}
