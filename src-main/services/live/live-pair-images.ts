/**
 * A paired colour and depth message as the images a session stores: depth as 16-bit millimetres
 * (raw Image or compressedDepth) and its PNG, colour as PNG/JPEG bytes. A topic that holds something
 * else is one message naming the topic and what to choose instead.
 */
import { decodeRgb, encodeDepthPng, type EncodedRgb } from '../recordings/import/frame-images'
import type { LoadedImage } from '../recordings/import/import-plan'
import { colourFromRos, depthFromRos, type RosAnyImage } from '../recordings/import/ros-images'

export interface LivePairImages {
  rgb: EncodedRgb
  depth: { width: number; height: number; data: Uint16Array }
  depthPng: Uint8Array
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The pair's images, or the reason they cannot be recorded. */
export async function livePairImages(
  colourMessage: RosAnyImage,
  depthMessage: RosAnyImage,
  topics: { rgbTopic: string | null; depthTopic: string | null },
  stampSec: number,
): Promise<LivePairImages | string> {
  let colour: LoadedImage
  let depth: LoadedImage
  try {
    depth = depthFromRos(depthMessage)
  } catch (error) {
    return `${topics.depthTopic}: ${errorText(error)}. Choose the depth topic (16UC1 or 32FC1 sensor_msgs/msg/Image, or its compressedDepth).`
  }
  try {
    colour = colourFromRos(colourMessage)
  } catch (error) {
    return `${topics.rgbTopic}: ${errorText(error)}. Choose a colour topic (rgb8/bgr8/mono8 Image or JPEG/PNG CompressedImage).`
  }
  if (depth.kind !== 'depth16') return `${topics.depthTopic}: the depth did not decode to 16-bit samples.`
  // Side by side on the thread pool: a live frame reaches the model only once both are done.
  const [rgb, depthPng] = await Promise.all([
    decodeRgb({
      kind: 'loaded',
      label: `${topics.rgbTopic} @ ${stampSec.toFixed(6)}`,
      load: async () => colour,
    }).catch((error: unknown) => errorText(error)),
    encodeDepthPng({ ...depth, png: null }),
  ])
  if (typeof rgb === 'string') return `${topics.rgbTopic}: ${rgb}`
  return { rgb, depth, depthPng }
}

/** Why a pair does not fit the recording it would join (sizes are fixed by its first pair), or null. */
export function pairSizeProblem(
  images: LivePairImages,
  recording: { camera: { width: number; height: number }; rgbSize: { width: number; height: number } },
  topics: { rgbTopic: string | null; depthTopic: string | null },
): string | null {
  const { rgb, depth } = images
  const { camera, rgbSize } = recording
  if (depth.width !== camera.width || depth.height !== camera.height)
    return `${topics.depthTopic}: depth is ${depth.width}×${depth.height}, but this recording's depth is ${camera.width}×${camera.height}; those frames are not recorded.`
  if (rgb.width !== rgbSize.width || rgb.height !== rgbSize.height)
    return `${topics.rgbTopic}: colour is ${rgb.width}×${rgb.height}, but this recording's colour is ${rgbSize.width}×${rgbSize.height}; those frames are not recorded.`
  return null
}
