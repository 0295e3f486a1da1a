/** One bar per frame on a canvas laid over the timeline, each at the timeline's own x position. */
export interface TimelineBarCanvas {
  context: CanvasRenderingContext2D
  width: number
  height: number
}

/**
 * Sizes the canvas to its box (device pixels), clears it and calls `paint` for every frame with the
 * bar's left edge and width; returns the canvas for drawing on top, or null before it is mounted.
 */
export function drawTimelineBars(
  element: HTMLCanvasElement | null,
  frameCount: number,
  position: (index: number) => number,
  paint: (canvas: TimelineBarCanvas, index: number, x: number, barWidth: number) => void,
): TimelineBarCanvas | null {
  const context = element?.getContext('2d')
  if (!element || !context) return null
  const width = (element.width = Math.max(1, element.clientWidth * devicePixelRatio))
  const height = (element.height = Math.max(1, element.clientHeight * devicePixelRatio))
  context.clearRect(0, 0, width, height)
  const barWidth = Math.max(1, width / Math.max(1, frameCount))
  const canvas = { context, width, height }
  for (let i = 0; i < frameCount; i++) paint(canvas, i, position(i) * (width - barWidth), barWidth)
  return canvas
}
