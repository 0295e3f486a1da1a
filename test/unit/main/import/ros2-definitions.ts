/** ROS 2 message definitions (ros2msg schema text, dependencies appended) for the MCAP test fixtures. */

const separator = '\n================================================================================\n'
const join = (main: string, ...deps: string[]): string => [main, ...deps].join(separator)

const time = 'MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec'
const header = 'MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id'

export const imageDefinition = join(
  'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data',
  header,
  time,
)

export const compressedImageDefinition = join('std_msgs/Header header\nstring format\nuint8[] data', header, time)

export const cameraInfoDefinition = join(
  'std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] d\nfloat64[9] k\nfloat64[9] r\nfloat64[12] p\nuint32 binning_x\nuint32 binning_y\nsensor_msgs/RegionOfInterest roi',
  header,
  time,
  'MSG: sensor_msgs/RegionOfInterest\nuint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify',
)

export const tfMessageDefinition = join(
  'geometry_msgs/TransformStamped[] transforms',
  'MSG: geometry_msgs/TransformStamped\nstd_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform',
  header,
  time,
  'MSG: geometry_msgs/Transform\ngeometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation',
  'MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z',
  'MSG: geometry_msgs/Quaternion\nfloat64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1',
)

export const stringDefinition = 'string data'
