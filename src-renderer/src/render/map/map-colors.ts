/**
 * Per-voxel RGBA for each colour mode of the map explorer. Relevancy uses the console's one
 * relevancy colormap (contract/relevancy-colormap.ts), so a colour means the same in 2D and 3D;
 * height uses a different (blue→yellow) ramp so it is never mistaken for relevancy.
 */
import { relevancyColor, type LabelClass, type MapColorMode, type MapPoints } from '@contract'

export interface ColorInputs {
  labelClasses: LabelClass[]
  /** Uint8 relevancy per voxel (0..255), for mode 'relevancy'. */
  relevancy: Uint8Array | null
  threshold: number
  /** Unit up vector of the world, for mode 'height'. */
  up: [number, number, number]
  /** A class set's segmentation (class index per voxel and class colours); null = ground-truth labels. */
  classIndex: { index: Uint16Array; colors: Array<[number, number, number]> } | null
}

/** Colour of voxels without a label. */
const unlabelled: [number, number, number] = [90, 90, 90]
const heightStops: Array<[number, number, number]> = [
  [48, 18, 120],
  [32, 144, 140],
  [250, 230, 40],
]

export function voxelColors(points: MapPoints, mode: MapColorMode, inputs: ColorInputs): Uint8Array {
  if (mode === 'rgb') return points.colors
  if (mode === 'pca') return points.hasPca ? points.pcaColors : points.colors
  const out = new Uint8Array(points.count * 4)
  if (mode === 'class' && inputs.classIndex) {
    const { index, colors } = inputs.classIndex
    for (let i = 0; i < points.count; i++) out.set([...(colors[index[i]!] ?? unlabelled), 255], i * 4)
  } else if (mode === 'class') {
    const byId = new Map(inputs.labelClasses.map((c) => [c.id, c.color]))
    for (let i = 0; i < points.count; i++) out.set([...(byId.get(points.labels[i]!) ?? unlabelled), 255], i * 4)
  } else if (mode === 'relevancy') {
    const lut = Array.from({ length: 256 }, (_, v) => relevancyColor(v / 255))
    const cut = Math.round(inputs.threshold * 255)
    for (let i = 0; i < points.count; i++) {
      const r = inputs.relevancy ? inputs.relevancy[i]! : 0
      // Below the threshold: the voxel's own colour, darkened, so the room stays legible around hits.
      if (r < cut)
        out.set(
          [points.colors[i * 4]! * 0.35, points.colors[i * 4 + 1]! * 0.35, points.colors[i * 4 + 2]! * 0.35, 255],
          i * 4,
        )
      else out.set([...lut[r]!, 255], i * 4)
    }
  } else {
    const heights = new Float32Array(points.count)
    for (let i = 0; i < points.count; i++) {
      heights[i] =
        points.positions[i * 3]! * inputs.up[0] +
        points.positions[i * 3 + 1]! * inputs.up[1] +
        points.positions[i * 3 + 2]! * inputs.up[2]
    }
    const sorted = heights.slice().sort()
    const lo = sorted[Math.floor(0.02 * (sorted.length - 1))] ?? 0
    const hi = sorted[Math.floor(0.98 * (sorted.length - 1))] ?? 1
    for (let i = 0; i < points.count; i++) out.set([...ramp((heights[i]! - lo) / (hi - lo || 1)), 255], i * 4)
  }
  return out
}

function ramp(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (heightStops.length - 1)
  const i = Math.min(heightStops.length - 2, Math.floor(x))
  const f = x - i
  const a = heightStops[i]!
  const b = heightStops[i + 1]!
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

/** CSS gradient of the height ramp, for the legend. */
export const heightCssGradient = `linear-gradient(to right, ${heightStops.map((c) => `rgb(${c.join(', ')})`).join(', ')})`
