/** Index masks to RGBA ImageData for the overlays (one pass, no per-pixel DOM). */
export function maskToImageData(
  values: ArrayLike<number>, width: number, height: number, colors: Array<[number, number, number]>, alpha: number, offset: number,
): ImageData {
  const image = new ImageData(width, height)
  const a = Math.round(alpha * 255)
  for (let i = 0; i < width * height; i++) {
    const k = (values[i] as number) - offset
    const color = k >= 0 ? colors[k] : undefined
    if (!color) continue
    image.data[4 * i] = color[0]
    image.data[4 * i + 1] = color[1]
    image.data[4 * i + 2] = color[2]
    image.data[4 * i + 3] = a
  }
  return image
}
