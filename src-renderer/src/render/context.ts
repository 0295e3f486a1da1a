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

/**
 * Command fields that draw a texture-space quad over the whole canvas; the fragment shader gets
 * `varying vec2 uv` with (0, 0) at the image's top-left. Spread into a regl command: `regl({ ...fullFrameQuad, frag, uniforms })`.
 */
export const fullFrameQuad = {
  vert: `
precision mediump float;
attribute vec2 position;
varying vec2 uv;
void main() {
  uv = vec2(position.x, 1.0 - position.y);
  gl_Position = vec4(position * 2.0 - 1.0, 0.0, 1.0);
}`,
  attributes: {
    position: [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ],
  },
  primitive: 'triangle strip' as const,
  count: 4,
  depth: { enable: false },
}

export function createReglContext(canvas: HTMLCanvasElement): ReglContext {
  const gl = canvas.getContext('webgl', { premultipliedAlpha: true, alpha: true, preserveDrawingBuffer: true })
  if (!gl) throw new Error('WebGL is not available')
  const regl = createREGL({ gl })
  return { regl, destroy: () => regl.destroy() }
}
