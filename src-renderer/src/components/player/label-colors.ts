/** Colours for ground-truth label masks: the session's labelClasses, a stable fallback for other ids. */
import type { LabelClass } from '@contract'

/** RGB per label id 0..maxId; ids without a class get a golden-angle hue so neighbours differ. */
export function labelPalette(classes: readonly LabelClass[], maxId: number): Uint8Array {
  const palette = new Uint8Array(3 * (maxId + 1))
  for (let id = 1; id <= maxId; id++) {
    const hue = (id * 137.508) % 360
    palette.set(hslToRgb(hue, 0.6, 0.55), 3 * id)
  }
  for (const c of classes) if (c.id <= maxId) palette.set(c.color, 3 * c.id)
  return palette
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))
  return [Math.round(255 * f(0)), Math.round(255 * f(8)), Math.round(255 * f(4))]
}

/** Writes RGBA for a label mask; id 0 (void) is drawn dark. */
export function colorizeLabels(labels: Uint16Array, palette: Uint8Array, out: Uint8ClampedArray): void {
  const maxId = palette.length / 3 - 1
  for (let i = 0, o = 0; i < labels.length; i++, o += 4) {
    const id = Math.min(maxId, labels[i] as number)
    out[o] = id === 0 ? 16 : (palette[3 * id] as number)
    out[o + 1] = id === 0 ? 16 : (palette[3 * id + 1] as number)
    out[o + 2] = id === 0 ? 20 : (palette[3 * id + 2] as number)
    out[o + 3] = 255
  }
}
