/**
 * ROS 2 message definitions as foxglove_bridge advertises them (`schemaEncoding: ros2msg`): the
 * main definition, then each dependency after an 80-`=` separator and a `MSG: <type>` header
 * (field-anchors §b3). The simulator advertises these and the live client parses whatever the
 * robot sends with the same parser, so both ends share one decode path.
 */
import { parse } from '@foxglove/rosmsg'
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization'

const separator = `\n${'='.repeat(80)}\n`
const join = (main: string, ...deps: string[]): string => [main, ...deps].join(separator)

const time = 'MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec'
const header = 'MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id'

export const rosSchemas = {
  image: {
    name: 'sensor_msgs/msg/Image',
    definition: join(
      'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data',
      header,
      time,
    ),
  },
  compressedImage: {
    name: 'sensor_msgs/msg/CompressedImage',
    definition: join('std_msgs/Header header\nstring format\nuint8[] data', header, time),
  },
  cameraInfo: {
    name: 'sensor_msgs/msg/CameraInfo',
    definition: join(
      'std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] d\nfloat64[9] k\nfloat64[9] r\nfloat64[12] p\nuint32 binning_x\nuint32 binning_y\nsensor_msgs/RegionOfInterest roi',
      header,
      time,
      'MSG: sensor_msgs/RegionOfInterest\nuint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify',
    ),
  },
  tfMessage: {
    name: 'tf2_msgs/msg/TFMessage',
    definition: join(
      'geometry_msgs/TransformStamped[] transforms',
      'MSG: geometry_msgs/TransformStamped\nstd_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform',
      header,
      time,
      'MSG: geometry_msgs/Transform\ngeometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation',
      'MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z',
      'MSG: geometry_msgs/Quaternion\nfloat64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1',
    ),
  },
} as const

export type RosSchemaKey = keyof typeof rosSchemas

export function rosWriter(key: RosSchemaKey): MessageWriter {
  return new MessageWriter(parse(rosSchemas[key].definition, { ros2: true }))
}

/** A CDR reader for a channel's advertised ros2msg schema. */
export function rosReader(schemaText: string): MessageReader {
  return new MessageReader(parse(schemaText, { ros2: true }))
}

export interface RosStamp {
  sec: number
  nanosec: number
}

/** Seconds → ROS time, exact to the nanosecond for epoch-sized values. */
export function rosStamp(seconds: number): RosStamp {
  const sec = Math.floor(seconds)
  const nanosec = Math.min(999_999_999, Math.round((seconds - sec) * 1e9))
  return { sec, nanosec }
}
