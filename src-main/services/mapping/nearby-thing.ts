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

/** Cells per axis at most: a map kilometres wide gets bigger cells (never smaller than the radius). */
const maxCellsPerAxis = 128

/**
 * The nameable voxels (a label with a name that is not structural) bucketed in cells at least the search
 * radius wide, once per map: a pin then reads the 27 cells around it instead of every voxel of the map.
 */
export class NearbyThings {
  private readonly names: Array<string | undefined> = []
  private readonly low: [number, number, number]
  private readonly cellMeters: number
  private readonly dims: [number, number, number]
  /** Voxel indices grouped by cell; cell c's are order[start[c] … start[c + 1]). */
  private readonly start: Int32Array
  private readonly order: Int32Array

  constructor(private readonly map: NearbyInput) {
    for (const c of map.labelClasses) if (c.id > 0 && !structural.has(c.name.toLowerCase())) this.names[c.id] = c.name
    const n = map.labels.length
    const low: [number, number, number] = [Infinity, Infinity, Infinity]
    const high: [number, number, number] = [-Infinity, -Infinity, -Infinity]
    let nameable = 0
    for (let i = 0; i < n; i++) {
      if (this.names[map.labels[i]!] === undefined) continue
      nameable++
      for (let a = 0; a < 3; a++) {
        const v = map.positions[i * 3 + a]!
        if (v < low[a]!) low[a] = v
        if (v > high[a]!) high[a] = v
      }
    }
    this.low = nameable > 0 ? low : [0, 0, 0]
    const extent = nameable > 0 ? Math.max(...high.map((h, a) => h - low[a]!)) : 0
    this.cellMeters = Math.max(radiusMeters, extent / maxCellsPerAxis)
    this.dims = [0, 1, 2].map((a) =>
      nameable > 0 ? Math.floor((high[a]! - this.low[a]!) / this.cellMeters) + 1 : 0,
    ) as [number, number, number]
    const cellOf = new Int32Array(nameable)
    this.start = new Int32Array(this.dims[0] * this.dims[1] * this.dims[2] + 1)
    for (let i = 0, k = 0; i < n; i++) {
      if (this.names[map.labels[i]!] === undefined) continue
      const c = this.cellIndex(map.positions[i * 3]!, map.positions[i * 3 + 1]!, map.positions[i * 3 + 2]!)
      cellOf[k++] = c
      this.start[c + 1]!++
    }
    for (let c = 1; c < this.start.length; c++) this.start[c]! += this.start[c - 1]!
    const fill = this.start.slice(0, -1)
    this.order = new Int32Array(nameable)
    for (let i = 0, k = 0; i < n; i++)
      if (this.names[map.labels[i]!] !== undefined) this.order[fill[cellOf[k++]!]!++] = i
  }

  /** "the blue chair": the nearest recognised thing within 1.5 m of `point` other than `exclude`, or null. */
  near(point: [number, number, number], exclude: string | null): string | null {
    const { map, names, dims } = this
    const perClass = new Map<number, { count: number; nearest: number; rgb: [number, number, number] }>()
    const r2 = radiusMeters * radiusMeters
    const centre = [0, 1, 2].map((a) => Math.floor((point[a]! - this.low[a]!) / this.cellMeters))
    for (let x = Math.max(0, centre[0]! - 1); x <= Math.min(dims[0] - 1, centre[0]! + 1); x++)
      for (let y = Math.max(0, centre[1]! - 1); y <= Math.min(dims[1] - 1, centre[1]! + 1); y++)
        for (let z = Math.max(0, centre[2]! - 1); z <= Math.min(dims[2] - 1, centre[2]! + 1); z++) {
          const c = (x * dims[1] + y) * dims[2] + z
          for (let k = this.start[c]!; k < this.start[c + 1]!; k++) {
            const i = this.order[k]!
            const label = map.labels[i]!
            if (names[label] === exclude) continue
            const d2 =
              (map.positions[i * 3]! - point[0]) ** 2 +
              (map.positions[i * 3 + 1]! - point[1]) ** 2 +
              (map.positions[i * 3 + 2]! - point[2]) ** 2
            if (d2 > r2) continue
            const entry = perClass.get(label) ?? { count: 0, nearest: Infinity, rgb: [0, 0, 0] }
            entry.count++
            entry.nearest = Math.min(entry.nearest, d2)
            for (let ch = 0; ch < 3; ch++) entry.rgb[ch]! += map.colors[i * 4 + ch]!
            perClass.set(label, entry)
          }
        }
    const best = [...perClass.entries()]
      .filter(([, e]) => e.count >= minVoxels)
      .sort((a, b) => a[1].nearest - b[1].nearest || a[0] - b[0])[0]
    if (!best) return null
    const [label, entry] = best
    const colour = colourWord(entry.rgb.map((v) => v / entry.count) as [number, number, number])
    return `the ${colour ? `${colour} ` : ''}${names[label]}`
  }

  private cellIndex(x: number, y: number, z: number): number {
    const s = this.cellMeters
    const [dx, dy, dz] = this.dims
    const cx = Math.min(dx - 1, Math.floor((x - this.low[0]) / s))
    const cy = Math.min(dy - 1, Math.floor((y - this.low[1]) / s))
    const cz = Math.min(dz - 1, Math.floor((z - this.low[2]) / s))
    return (cx * dy + cy) * dz + cz
  }
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
