/**
 * tf lookups as the live link does them: the simulator's odom → camera_link (/tf) and camera_link →
 * optical (/tf_static) give back the recorded worldFromCamera; dynamic transforms interpolate between
 * samples; a missing chain or a stale sample is a reason, not a pose.
 */
import { describe, expect, it } from 'vitest'
import { TfBuffer, type RosTransformStamped } from '../../../../src-main/services/recordings/import/tf-buffer'
import { matrixFromTranslationQuaternion, multiply4 } from '../../../../src-main/services/recordings/import/pose-math'
import {
  linkFromOpticalRotation,
  quaternionFromMatrix,
  rosTransformFromMatrix,
  worldFromLinkOf,
} from '../../../../src-main/services/live/ros-transforms'
import { rosStamp } from '../../../../src-main/services/live/ros2-schemas'

const stamped = (
  parent: string,
  child: string,
  timeSec: number,
  transform: RosTransformStamped['transform'],
): RosTransformStamped => ({
  header: { stamp: rosStamp(timeSec), frame_id: parent },
  child_frame_id: child,
  transform,
})

/** A camera looking along a yaw angle, 1.2 m up: a rigid worldFromCamera in optical axes. */
function cameraPose(yaw: number, x: number): number[] {
  const worldFromLink = matrixFromTranslationQuaternion([x, 0.5, 1.2], [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)])
  return multiply4(
    worldFromLink,
    matrixFromTranslationQuaternion(
      [0, 0, 0],
      [linkFromOpticalRotation.x, linkFromOpticalRotation.y, linkFromOpticalRotation.z, linkFromOpticalRotation.w],
    ),
  )
}

const close = (a: number[], b: number[], tolerance = 1e-9): void =>
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tolerance))

describe('tf lookups for live frames', () => {
  it('gives back the published camera pose through the static optical transform', () => {
    const tf = new TfBuffer()
    tf.add(
      stamped('camera_link', 'camera_color_optical_frame', 0, {
        translation: { x: 0, y: 0, z: 0 },
        rotation: linkFromOpticalRotation,
      }),
      true,
    )
    const poses = [0, 0.3, 1.2, -2.5, Math.PI].map((yaw, k) => cameraPose(yaw, k * 0.1))
    poses.forEach((pose, k) =>
      tf.add(stamped('odom', 'camera_link', 100 + k / 30, rosTransformFromMatrix(worldFromLinkOf(pose))), false),
    )
    tf.finish()
    expect(tf.rootOf('camera_color_optical_frame')).toBe('odom')
    // Stamps are rounded to the nanosecond, so the lookup interpolates a hair: 1e-7 m / rad.
    poses.forEach((pose, k) =>
      close(tf.lookup('camera_color_optical_frame', 'odom', 100 + k / 30, 0.1) as number[], pose, 1e-7),
    )
  })

  it('interpolates between samples (linear translation, slerp rotation)', () => {
    const tf = new TfBuffer()
    tf.add(
      stamped('odom', 'base', 10, { translation: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } }),
      false,
    )
    tf.add(
      stamped('odom', 'base', 11, {
        translation: { x: 2, y: 0, z: 0 },
        rotation: { x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 },
      }),
      false,
    )
    tf.finish()
    const mid = tf.lookup('base', 'odom', 10.5, 0.1) as number[]
    expect(mid[3]).toBeCloseTo(1, 12)
    const [, , z, w] = quaternionFromMatrix(mid)
    expect(2 * Math.atan2(z, w)).toBeCloseTo(Math.PI / 4, 9) // halfway of a 90° turn
  })

  it('says why when there is no chain, or the nearest sample is too old', () => {
    const tf = new TfBuffer()
    tf.add(
      stamped('odom', 'camera_link', 5, { translation: { x: 0, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } }),
      false,
    )
    tf.add(
      stamped('odom', 'camera_link', 6, { translation: { x: 1, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } }),
      false,
    )
    tf.finish()
    expect(tf.lookup('camera_color_optical_frame', 'odom', 5, 0.1)).toMatch(
      /no tf chain from "camera_color_optical_frame" to "odom"/,
    )
    expect(tf.lookup('camera_link', 'odom', 7, 0.1)).toMatch(/no tf "odom" → "camera_link" within 0.1 s/)
  })

  it('finds the quaternion of any rotation (Shepperd branches) and back', () => {
    for (const q of [
      [0, 0, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0.5, -0.5, 0.5, 0.5],
      [0.1, 0.7, -0.3, 0.64],
    ]) {
      const n = Math.hypot(...q)
      const unit = q.map((v) => v / n)
      const m = matrixFromTranslationQuaternion([0, 0, 0], unit)
      const back = quaternionFromMatrix(m)
      const sign = Math.sign(back[3] || back[0] || 1) * Math.sign(unit[3] || unit[0] || 1)
      close(
        back.map((v) => v * sign),
        unit,
        1e-12,
      )
    }
  })
})

describe('a live tf buffer stays a window', () => {
  it('forgets samples older than the window and still interpolates inside it', () => {
    const tf = new TfBuffer()
    const at = (x: number): RosTransformStamped['transform'] => ({
      translation: { x, y: 0, z: 0 },
      rotation: { x: 0, y: 0, z: 0, w: 1 },
    })
    // 60 s of /tf at 30 Hz, the robot moving 1 m/s along x.
    for (let k = 0; k < 1800; k++) tf.add(stamped('odom', 'camera_link', k / 30, at(k / 30)), false)
    tf.forgetOlderThan(30)
    tf.finish()
    expect(tf.lookup('camera_link', 'odom', 20, 0.1)).toMatch(/no tf "odom" → "camera_link" within 0.1 s/)
    const pose = tf.lookup('camera_link', 'odom', 45.01, 0.1)
    expect(typeof pose).not.toBe('string')
    expect((pose as number[])[3]).toBeCloseTo(45.01, 6)
  })

  it('keeps the last two samples of an edge that went quiet', () => {
    const tf = new TfBuffer()
    const still = { translation: { x: 1, y: 2, z: 3 }, rotation: { x: 0, y: 0, z: 0, w: 1 } }
    for (const t of [0, 1, 2]) tf.add(stamped('odom', 'camera_link', t, still), false)
    tf.add(stamped('odom', 'base', 100, still), false)
    tf.add(stamped('odom', 'base', 101, still), false)
    tf.forgetOlderThan(0.5)
    tf.finish()
    expect(typeof tf.lookup('camera_link', 'odom', 2, 0.1)).not.toBe('string')
    expect(typeof tf.lookup('camera_link', 'odom', 1.5, 0.1)).not.toBe('string')
    expect(tf.lookup('camera_link', 'odom', 0, 0.1)).toMatch(/within 0.1 s/)
  })
})
