/** ROS 1 message definitions (ros1msg schema text, as `mcap convert` writes them from a .bag) for the MCAP test fixtures. */

const separator = '\n================================================================================\n'
const join = (main: string, ...deps: string[]): string => [main, ...deps].join(separator)

const header = 'MSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id'

export const ros1ImageDefinition = join(
  'Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data',
  header,
)

export const ros1CompressedImageDefinition = join('Header header\nstring format\nuint8[] data', header)

export const ros1CameraInfoDefinition = join(
  'Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] D\nfloat64[9] K\nfloat64[9] R\nfloat64[12] P\nuint32 binning_x\nuint32 binning_y\nsensor_msgs/RegionOfInterest roi',
  header,
  'MSG: sensor_msgs/RegionOfInterest\nuint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify',
)

export const ros1TfMessageDefinition = join(
  'geometry_msgs/TransformStamped[] transforms',
  'MSG: geometry_msgs/TransformStamped\nHeader header\nstring child_frame_id\ngeometry_msgs/Transform transform',
  header,
  'MSG: geometry_msgs/Transform\ngeometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation',
  'MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z',
  'MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w',
)

/** A message written in ROS 2's field names (the fixtures' shape) in ROS 1's: time `nsec`, header `seq`, CameraInfo `D K R P`. */
export function inRos1Fields(value: unknown, cameraInfo = false): unknown {
  if (Array.isArray(value)) return value.map((v) => inRos1Fields(v))
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const name = key === 'nanosec' ? 'nsec' : cameraInfo && ['d', 'k', 'r', 'p'].includes(key) ? key.toUpperCase() : key
    out[name] = inRos1Fields(v)
  }
  if ('frame_id' in out && 'stamp' in out) out.seq = 0
  return out
}
