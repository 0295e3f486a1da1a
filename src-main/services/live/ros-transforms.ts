/**
 * Rigid poses as ROS transforms and back: the simulator publishes a session's `worldFromCamera`
 * (OpenCV optical axes) as odom → camera_link on /tf plus the fixed camera_link →
 * camera_color_optical_frame rotation on /tf_static, exactly as a RealSense driver lays out its frames.
 */
import { invertRigid, matrixFromTranslationQuaternion, multiply4, type Matrix4 } from '../recordings/import/pose-math'

export interface RosTransform {
  translation: { x: number; y: number; z: number }
  rotation: { x: number; y: number; z: number; w: number }
}

/** REP 103: optical (x right, y down, z forward) inside a body frame (x forward, y left, z up). */
export const linkFromOpticalRotation = { x: -0.5, y: 0.5, z: -0.5, w: 0.5 }
export const linkFromOptical: Matrix4 = matrixFromTranslationQuaternion([0, 0, 0], [-0.5, 0.5, -0.5, 0.5])

/** Unit quaternion (x, y, z, w) of a row-major rotation (Shepperd's method, stable for every angle). */
export function quaternionFromMatrix(m: readonly number[]): [number, number, number, number] {
  const [m00, m01, m02, , m10, m11, m12, , m20, m21, m22] = m as number[]
  const trace = m00! + m11! + m22!
  let q: [number, number, number, number]
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2
    q = [(m21! - m12!) / s, (m02! - m20!) / s, (m10! - m01!) / s, s / 4]
  } else if (m00! > m11! && m00! > m22!) {
    const s = Math.sqrt(1 + m00! - m11! - m22!) * 2
    q = [s / 4, (m01! + m10!) / s, (m02! + m20!) / s, (m21! - m12!) / s]
  } else if (m11! > m22!) {
    const s = Math.sqrt(1 + m11! - m00! - m22!) * 2
    q = [(m01! + m10!) / s, s / 4, (m12! + m21!) / s, (m02! - m20!) / s]
  } else {
    const s = Math.sqrt(1 + m22! - m00! - m11!) * 2
    q = [(m02! + m20!) / s, (m12! + m21!) / s, s / 4, (m10! - m01!) / s]
  }
  const n = Math.hypot(...q)
  return q.map((v) => v / n) as [number, number, number, number]
}

export function rosTransformFromMatrix(m: Matrix4): RosTransform {
  const [x, y, z, w] = quaternionFromMatrix(m)
  return { translation: { x: m[3]!, y: m[7]!, z: m[11]! }, rotation: { x, y, z, w } }
}

/** odom → camera_link for a camera (optical) pose: worldFromLink = worldFromOptical · opticalFromLink. */
export function worldFromLinkOf(worldFromCamera: Matrix4): Matrix4 {
  return multiply4(worldFromCamera, invertRigid(linkFromOptical))
}
