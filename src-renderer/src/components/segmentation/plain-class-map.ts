/**
 * Class maps without scores for the Segmentation panes: a frame's ground truth in the class set's
 * colours (void grey) and the error view (right / wrong / void), built from the loaded payloads.
 */
import type { SegmentedClass } from '@contract'
import { errorMap, voidClass } from '../../stores/segmentation'

export interface PlainClassMap {
  kind: 'truth' | 'errors'
  /** Index into `colors` / `names` per camera pixel. */
  map: Uint16Array | Uint8Array
  width: number
  height: number
  colors: Array<[number, number, number]>
  names: string[]
}

// A mid grey: visible on the dark theme and over dark images, and no class or right/wrong hue.
const voidColor: [number, number, number] = [140, 140, 150]
export const errorColors: Array<[number, number, number]> = [[60, 200, 110], [230, 60, 60], voidColor]
export const errorNames = ['right', 'wrong', 'void (not scored)']

export function truthMap(
  truth: Uint16Array,
  width: number,
  height: number,
  classes: readonly SegmentedClass[],
): PlainClassMap {
  const voidIndex = classes.length
  return {
    kind: 'truth',
    width,
    height,
    map: Uint16Array.from(truth, (k) => (k === voidClass ? voidIndex : k)),
    colors: [...classes.map((c) => c.color), voidColor],
    names: [...classes.map((c) => c.name), 'void / not in the set'],
  }
}

export function errorsMap(
  predicted: ArrayLike<number>,
  truth: Uint16Array,
  width: number,
  height: number,
): PlainClassMap {
  return { kind: 'errors', map: errorMap(predicted, truth), width, height, colors: errorColors, names: errorNames }
}
