/**
 * A live recording's intrinsics: from the robot's CameraInfo (scaled when it is for another size than
 * the depth), else from an assumed field of view. Each case says what it did.
 */
import type { PinholeIntrinsics } from '../../contract'
import type { RosTime } from '../recordings/import/ros-images'

export interface RosCameraInfo {
  header: { stamp: RosTime; frame_id: string }
  width: number
  height: number
  k: ArrayLike<number>
}

export const assumedFieldOfViewDeg = 60

/** The intrinsics for a `width`×`height` depth, and what to tell the person (null: nothing to say). */
export function liveIntrinsics(
  info: RosCameraInfo | null,
  width: number,
  height: number,
  topic: string | null,
  waitedSec: number,
): { camera: PinholeIntrinsics; note: string | null } {
  if (info && info.k[0] && info.k[4]) {
    const scaleX = width / (info.width || width)
    const scaleY = height / (info.height || height)
    const note =
      scaleX !== 1 || scaleY !== 1
        ? `${topic}: CameraInfo is for ${info.width}×${info.height}, the depth is ${width}×${height}; intrinsics are scaled.`
        : null
    const camera = { fx: info.k[0] * scaleX, fy: info.k[4] * scaleY, cx: info.k[2]! * scaleX, cy: info.k[5]! * scaleY }
    return { camera, note }
  }
  const focal = width / 2 / Math.tan(((assumedFieldOfViewDeg / 2) * Math.PI) / 180)
  const assumed = `an assumed ${assumedFieldOfViewDeg}° field of view (fx = fy = ${focal.toFixed(1)})`
  return {
    camera: { fx: focal, fy: focal, cx: (width - 1) / 2, cy: (height - 1) / 2 },
    note: topic
      ? `No CameraInfo arrived on ${topic} within ${waitedSec} s: recording with ${assumed}. Choose the CameraInfo topic if the robot has another.`
      : `The robot has no CameraInfo topic: recording with ${assumed}.`,
  }
}
