/**
 * "By the blue door": the recognised thing nearest a pin in the map, in words. Voxels carry the
 * fused ground-truth class (maps of labelled recordings); walls, floors and ceilings are everywhere,
 * so they locate nothing and are skipped. Its colour word comes from the thing's mean voxel colour.
 */
import type { LabelClass } from '../../contract'

export interface NearbyInput {
  positions: Float32Array
  colors: Uint8Array
  labels: Uint16Array
  labelClasses: LabelClass[]
}

/** Surfaces that bound every room: naming them tells a person nothing about where a thing is. */
const structural = new Set(['wall', 'floor', 'ceiling', 'void', 'unlabeled', 'unlabelled', 'background', 'other'])
/** A thing must have at least this many voxels near the pin to be named (a few stray voxels are label noise). */
const minVoxels = 20
const radiusMeters = 1.5

export function nearbyThing(map: NearbyInput, point: [number, number, number], exclude: string | null): string | null {
  const names = new Map(map.labelClasses.map((c) => [c.id, c.name]))
  const perClass = new Map<number, { count: number; nearest: number; rgb: [number, number, number] }>()
  const r2 = radiusMeters * radiusMeters
  for (let i = 0; i < map.labels.length; i++) {
    const label = map.labels[i]!
    const name = names.get(label)
    if (!label || !name || structural.has(name.toLowerCase()) || name === exclude) continue
    const d2 =
      (map.positions[i * 3]! - point[0]) ** 2 +
      (map.positions[i * 3 + 1]! - point[1]) ** 2 +
      (map.positions[i * 3 + 2]! - point[2]) ** 2
    if (d2 > r2) continue
    const entry = perClass.get(label) ?? { count: 0, nearest: Infinity, rgb: [0, 0, 0] }
    entry.count++
    entry.nearest = Math.min(entry.nearest, d2)
    for (let c = 0; c < 3; c++) entry.rgb[c]! += map.colors[i * 4 + c]!
    perClass.set(label, entry)
  }
  const best = [...perClass.entries()]
    .filter(([, e]) => e.count >= minVoxels)
    .sort((a, b) => a[1].nearest - b[1].nearest)[0]
  if (!best) return null
  const [label, entry] = best
  const colour = colourWord(entry.rgb.map((v) => v / entry.count) as [number, number, number])
  return `the ${colour ? `${colour} ` : ''}${names.get(label)}`
}

/** A plain colour name for an sRGB colour, or null when it is too dull to name. */
export function colourWord([r, g, b]: [number, number, number]): string | null {
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  const saturation = max === 0 ? 0 : (max - min) / max
  if (saturation < 0.25) return max > 200 ? 'white' : max < 60 ? 'black' : null
  if (max < 50) return 'black'
  const hue =
    max === r ? ((g - b) / (max - min) + 6) % 6 : max === g ? (b - r) / (max - min) + 2 : (r - g) / (max - min) + 4
  const degrees = hue * 60
  if (degrees < 15 || degrees >= 335) return 'red'
  if (degrees < 45) return max < 150 ? 'brown' : 'orange'
  if (degrees < 70) return 'yellow'
  if (degrees < 170) return 'green'
  if (degrees < 260) return 'blue'
  if (degrees < 300) return 'purple'
  return 'pink'
}
