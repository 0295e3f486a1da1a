/**
 * The depth colour scales: viridis (the default: perceptually even), turbo (more contrast for
 * researchers who compare with papers drawn in it) and grey (near = dark). Pure functions; the canvas
 * writes ImageData from a 256-entry table per scale.
 */

export const depthColormaps = ['viridis', 'turbo', 'grey'] as const
export type DepthColormap = (typeof depthColormaps)[number]

// Polynomial fit of matplotlib's viridis (Matt Zucker's fit), t in [0, 1].
const viridisCoefficients: Array<[number, number, number]> = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
]

/** Turbo's published polynomial approximation (Google AI, 2019), t in [0, 1]. */
const turboCoefficients: Array<[number, number, number]> = [
  [0.13572138, 0.09140261, 0.1066733],
  [4.6153926, 2.19418839, 12.64194608],
  [-42.66032258, 4.84296658, -60.58204836],
  [132.13108234, -14.18503333, 110.36276771],
  [-152.94239396, 4.27729857, -89.90310912],
  [59.28637943, 2.82956604, 27.34824973],
]

export function depthColor(t: number, map: DepthColormap = 'viridis'): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0))
  if (map === 'grey') {
    const v = Math.round(40 + 215 * x)
    return [v, v, v]
  }
  const coefficients = map === 'turbo' ? turboCoefficients : viridisCoefficients
  const rgb: [number, number, number] = [0, 0, 0]
  for (let c = 0; c < 3; c++) {
    let value = 0
    for (let k = coefficients.length - 1; k >= 0; k--)
      value = value * x + (coefficients[k] as [number, number, number])[c]!
    rgb[c] = Math.round(255 * Math.min(1, Math.max(0, value)))
  }
  return rgb
}

const lutSize = 256
const luts = new Map<DepthColormap, Uint8Array>()
function lutOf(map: DepthColormap): Uint8Array {
  let table = luts.get(map)
  if (!table) {
    table = new Uint8Array(lutSize * 3)
    for (let i = 0; i < lutSize; i++) table.set(depthColor(i / (lutSize - 1), map), i * 3)
    luts.set(map, table)
  }
  return table
}

/** Colour of pixels without depth. */
export const noDepthColor: [number, number, number] = [24, 24, 28]

/**
 * Writes RGBA pixels for raw depth samples (`metersPerUnit` each, 0 = invalid) into `out`,
 * mapping [minMeters, maxMeters] onto the scale.
 */
export function colorizeDepth(
  samples: Uint16Array,
  metersPerUnit: number,
  minMeters: number,
  maxMeters: number,
  out: Uint8ClampedArray,
  map: DepthColormap = 'viridis',
): void {
  const lut = lutOf(map)
  const span = Math.max(1e-6, maxMeters - minMeters)
  // Per raw value, not per pixel: one multiply-add per sample, the rest is a table lookup.
  const toIndex = ((lutSize - 1) * metersPerUnit) / span
  const offset = ((lutSize - 1) * minMeters) / span
  for (let i = 0, o = 0; i < samples.length; i++, o += 4) {
    const raw = samples[i] as number
    if (raw === 0) {
      out[o] = noDepthColor[0]
      out[o + 1] = noDepthColor[1]
      out[o + 2] = noDepthColor[2]
    } else {
      const k = 3 * Math.min(lutSize - 1, Math.max(0, Math.round(raw * toIndex - offset)))
      out[o] = lut[k] as number
      out[o + 1] = lut[k + 1] as number
      out[o + 2] = lut[k + 2] as number
    }
    out[o + 3] = 255
  }
}

/** CSS gradient for the legend, left = near (min), right = far (max). */
export function depthCssGradient(stops = 9, map: DepthColormap = 'viridis'): string {
  const parts = Array.from({ length: stops }, (_, i) => {
    const [r, g, b] = depthColor(i / (stops - 1), map)
    return `rgb(${r}, ${g}, ${b}) ${((100 * i) / (stops - 1)).toFixed(1)}%`
  })
  return `linear-gradient(to right, ${parts.join(', ')})`
}

/** Round tick values in metres for a legend spanning [min, max]. */
export function legendTicks(minMeters: number, maxMeters: number, count = 5): number[] {
  const span = maxMeters - minMeters
  if (!(span > 0)) return [minMeters]
  const rough = span / Math.max(1, count - 1)
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough
  const ticks: number[] = []
  for (let v = Math.ceil(minMeters / step) * step; v <= maxMeters + 1e-9; v += step) ticks.push(Number(v.toFixed(6)))
  return ticks
}
