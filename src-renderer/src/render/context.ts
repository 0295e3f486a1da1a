/**
 * One regl context per canvas. `preserveDrawingBuffer` keeps the last frame readable, so screenshots
 * and e2e pixel checks see what the user sees; the overlays are small, so the cost is slight.
 */
import createREGL, { type Regl } from 'regl'

export interface ReglContext {
  regl: Regl
  /** Frees every GL resource of the context; call on unmount. */
  destroy(): void
}

export function createReglContext(canvas: HTMLCanvasElement): ReglContext {
  const gl = canvas.getContext('webgl', { premultipliedAlpha: true, alpha: true, preserveDrawingBuffer: true })
  if (!gl) throw new Error('WebGL is not available')
  const regl = createREGL({ gl })
  return { regl, destroy: () => regl.destroy() }
}
