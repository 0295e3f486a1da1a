/**
 * The live link's /tf history: transforms as they arrive, bounded to the last `tfKeepSec` (poses are
 * looked up when a pair is recorded, at most a backlog late), and camera poses looked up from it.
 */
import { TfBuffer, type RosTransformStamped } from '../recordings/import/tf-buffer'

/** How far from a tf sample a pose may be looked up. */
const tfMaxGapSec = 0.1
/** How much /tf history is kept: poses are looked up when a pair is recorded, at most a backlog (~10 s) late. */
const tfKeepSec = 30
/** Old /tf samples are forgotten every this many /tf messages. */
const tfForgetEvery = 300

export class LiveTf {
  private tf = new TfBuffer()
  private dirty = false
  private messages = 0

  /** The robot restarted: its clock and tf tree start over. */
  reset(): void {
    this.tf = new TfBuffer()
    this.dirty = false
  }

  add(transforms: readonly RosTransformStamped[], isStatic: boolean): void {
    for (const transform of transforms) this.tf.add(transform, isStatic)
    this.dirty = true
    if (++this.messages % tfForgetEvery === 0) this.tf.forgetOlderThan(tfKeepSec)
  }

  get empty(): boolean {
    return this.tf.size === 0
  }

  /** The tree's root above `frameId` (the world frame when none is configured). */
  rootOf(frameId: string): string {
    this.finish()
    return this.tf.rootOf(frameId)
  }

  /** worldFromFrame at `stampSec`, or why not. */
  lookup(frameId: string, world: string, stampSec: number): ReturnType<TfBuffer['lookup']> {
    this.finish()
    return this.tf.lookup(frameId, world, stampSec, tfMaxGapSec)
  }

  private finish(): void {
    if (!this.dirty) return
    this.tf.finish()
    this.dirty = false
  }
}
