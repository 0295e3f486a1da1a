/** Index masks to RGBA ImageData for the overlays (one pass, no per-pixel DOM). */
export function maskToImageData(
  values: ArrayLike<number>,
  width: number,
  height: number,
  colors: Array<[number, number, number]>,
  alpha: number,
  offset: number,
  /** Draw the edge of every region opaque in white (painted strokes stand out from the prediction under them). */
  outline = false,
): ImageData {
  const image = new ImageData(width, height)
  const a = Math.round(alpha * 255)
  for (let i = 0; i < width * height; i++) {
    const v = values[i] as number
    const k = v - offset
    const color = k >= 0 ? colors[k] : undefined
    if (!color) continue
    const x = i % width
    const edge =
      outline &&
      (x === 0 ||
        x === width - 1 ||
        i < width ||
        i >= width * (height - 1) ||
        values[i - 1] !== v ||
        values[i + 1] !== v ||
        values[i - width] !== v ||
        values[i + width] !== v)
    image.data[4 * i] = edge ? 255 : color[0]
    image.data[4 * i + 1] = edge ? 255 : color[1]
    image.data[4 * i + 2] = edge ? 255 : color[2]
    image.data[4 * i + 3] = edge ? 255 : a
  }
  return image
}
