/**
 * Growing a connected region over a width × height pixel grid (row-major indices): the fill tool's
 * similar region, Ask's best heatmap blob and the panoptic export's thing segments.
 */
const four = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
] as const
const eight = [...four, [-1, -1], [1, -1], [-1, 1], [1, 1]] as const

/**
 * Grows the region from `seed` (already claimed by the caller). `join(pixel)` says whether a
 * neighbour belongs and must claim it, so it is offered once; `visit` sees every member once.
 */
export function growRegion(
  width: number,
  height: number,
  seed: number,
  join: (pixel: number) => boolean,
  visit: (pixel: number, x: number, y: number) => void = () => undefined,
  connectivity: 4 | 8 = 4,
): void {
  const offsets = connectivity === 4 ? four : eight
  const stack = [seed]
  while (stack.length > 0) {
    const pixel = stack.pop() as number
    const x = pixel % width
    const y = (pixel - x) / width
    visit(pixel, x, y)
    for (const [dx, dy] of offsets) {
      const nx = x + dx
      const ny = y + dy
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
      const next = ny * width + nx
      if (join(next)) stack.push(next)
    }
  }
}
