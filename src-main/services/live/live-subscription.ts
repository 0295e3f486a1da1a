/**
 * Which of a server's channels a live link subscribes: the chosen (or suggested) colour, depth and
 * CameraInfo topics and every tf topic, each with a CDR decoder built from the advertised schema.
 * Anything missing or unreadable is one error naming the topic and listing what the server has.
 */
import type { LiveStatus } from '../../contract'
import type { Channel, FoxgloveLink } from './foxglove-link'
import { rosReader } from './ros2-schemas'
import { describeTopics, suggestTopics, tfSchemas } from './topic-choice'

export type RosReader = ReturnType<typeof rosReader>

export interface LiveSubscription {
  topics: Omit<LiveStatus['topics'], 'worldFrame'>
  decoders: Map<number, RosReader>
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export function subscribeLiveTopics(
  link: FoxgloveLink,
  wanted: { rgbTopic?: string; depthTopic?: string; cameraInfoTopic?: string },
): LiveSubscription {
  const channels = [...link.channels.values()]
  const listing = channels.map((c) => ({ topic: c.topic, schemaName: c.schemaName }))
  const suggested = suggestTopics(listing)
  const chosen = {
    rgbTopic: wanted.rgbTopic ?? suggested.rgbTopic,
    depthTopic: wanted.depthTopic ?? suggested.depthTopic,
    cameraInfoTopic: wanted.cameraInfoTopic ?? suggested.cameraInfoTopic,
  }
  const find = (topic: string | null, what: string, required: boolean): Channel | null => {
    if (!topic) {
      if (required)
        throw new Error(
          `${link.url} has no ${what} topic that is clearly one; choose it. Topics: ${describeTopics(listing)}.`,
        )
      return null
    }
    const channel = channels.find((c) => c.topic === topic)
    if (!channel)
      throw new Error(`${link.url} does not publish ${topic} (${what}). Topics: ${describeTopics(listing)}.`)
    if (channel.encoding !== 'cdr')
      throw new Error(`${topic} is encoded as ${channel.encoding}; the console reads ROS 2 CDR.`)
    return channel
  }
  const images = [
    find(chosen.rgbTopic, 'colour image', true),
    find(chosen.depthTopic, 'depth image', true),
    find(chosen.cameraInfoTopic, 'CameraInfo', false),
  ]
  const tf = channels.filter((c) => tfSchemas.has(c.schemaName) && c.encoding === 'cdr')
  const decoders = new Map<number, RosReader>()
  for (const channel of [...images, ...tf]) {
    if (!channel) continue
    try {
      decoders.set(channel.id, rosReader(channel.schema))
    } catch (error) {
      throw new Error(
        `${channel.topic}: the server's ${channel.schemaName} schema cannot be parsed (${errorText(error)}).`,
      )
    }
    link.subscribe(channel)
  }
  return { topics: { ...chosen, tfTopics: tf.map((c) => c.topic) }, decoders }
}
