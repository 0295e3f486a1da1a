/**
 * The one relevancy colour scale of the console (turbo), shared by the 2D heatmap, the timeline
 * strip and the 3D map so a colour means the same relevancy everywhere. Pure functions only.
 */

/** Relevancy values are drawn on this fixed range: 0.5 = as close to the query as to a negative. */
export const relevancyRange = { min: 0, max: 1 } as const

// Polynomial fit of Google's turbo colormap (Mikhailov 2019); avoids shipping a 256-entry table.
const red = [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943]
const green = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604]
const blue = [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973]

function poly(coefficients: number[], t: number): number {
  let value = 0
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * t + (coefficients[i] as number)
  return Math.min(1, Math.max(0, value))
}

/** Colour of relevancy `t` (clamped to [0, 1]) as 0..255 RGB. */
export function relevancyColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0))
  return [Math.round(255 * poly(red, x)), Math.round(255 * poly(green, x)), Math.round(255 * poly(blue, x))]
}

/** An RGBA lookup table of `size` entries (for a 1-D texture or a CSS gradient). */
export function relevancyColormapLut(size = 256): Uint8Array {
  const lut = new Uint8Array(size * 4)
  for (let i = 0; i < size; i++) {
    const [r, g, b] = relevancyColor(i / (size - 1))
    lut.set([r, g, b, 255], i * 4)
  }
  return lut
}

/** CSS `linear-gradient` stops for legends, left = 0, right = 1. */
export function relevancyCssGradient(stops = 9): string {
  const parts: string[] = []
  for (let i = 0; i < stops; i++) {
    const [r, g, b] = relevancyColor(i / (stops - 1))
    parts.push(`rgb(${r}, ${g}, ${b}) ${((100 * i) / (stops - 1)).toFixed(1)}%`)
  }
  return `linear-gradient(to right, ${parts.join(', ')})`
}
