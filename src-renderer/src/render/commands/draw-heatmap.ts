/**
 * WebGL heatmap overlay (regl, on the shared overlay context of render/context.ts): one relevancy
 * plane per layer at the model's output stride, drawn over the frame with linear upsampling on the GPU. The live query uses the shared relevancy
 * colormap (a LUT texture); pinned queries are tinted in their own colour above the threshold.
 */
import { relevancyColormapLut } from '@contract'
import { createReglContext, fullFrameQuad } from '../context'

export interface HeatmapLayer {
  /** width × height relevancy bytes (0..255 ↔ 0..1). */
  relevancy: Uint8Array
  width: number
  height: number
  threshold: number
  /** null = the relevancy colormap; otherwise a solid tint (0..255 RGB). */
  tint: [number, number, number] | null
}

export interface HeatmapRenderer {
  draw(layers: HeatmapLayer[], opacity: number): void
  destroy(): void
}

const frag = `
precision mediump float;
uniform sampler2D relevancy;
uniform sampler2D lut;
uniform float threshold;
uniform float opacity;
uniform vec3 tint;
uniform float useTint;
varying vec2 uv;
void main() {
  float r = texture2D(relevancy, uv).r;
  float above = step(threshold, r);
  vec3 mapped = texture2D(lut, vec2(r, 0.5)).rgb;
  // Colormap: everything faint, what passes strong. Tint: only what passes.
  float alpha = mix(mix(0.18, 1.0, above), above, useTint) * opacity;
  gl_FragColor = vec4(mix(mapped, tint, useTint) * alpha, alpha);
}`

export function createHeatmapRenderer(canvas: HTMLCanvasElement): HeatmapRenderer {
  const context = createReglContext(canvas)
  const regl = context.regl
  const lut = regl.texture({
    data: relevancyColormapLut(256),
    width: 256,
    height: 1,
    format: 'rgba',
    min: 'linear',
    mag: 'linear',
  })
  const planes: ReturnType<typeof regl.texture>[] = []
  const drawLayer = regl({
    ...fullFrameQuad,
    frag,
    blend: { enable: true, func: { src: 'one', dst: 'one minus src alpha' } },
    uniforms: {
      relevancy: regl.prop<LayerProps, 'relevancy'>('relevancy'),
      lut,
      threshold: regl.prop<LayerProps, 'threshold'>('threshold'),
      opacity: regl.prop<LayerProps, 'opacity'>('opacity'),
      tint: regl.prop<LayerProps, 'tint'>('tint'),
      useTint: regl.prop<LayerProps, 'useTint'>('useTint'),
    },
  })
  interface LayerProps {
    relevancy: ReturnType<typeof regl.texture>
    threshold: number
    opacity: number
    tint: [number, number, number]
    useTint: number
  }
  return {
    draw(layers, opacity) {
      regl.poll()
      regl.clear({ color: [0, 0, 0, 0] })
      // Pinned tints first, the live colormap on top.
      const ordered = [...layers].sort((a, b) => Number(a.tint === null) - Number(b.tint === null))
      ordered.forEach((layer, i) => {
        const texture = (planes[i] ??= regl.texture())
        texture({
          data: layer.relevancy,
          width: layer.width,
          height: layer.height,
          format: 'luminance',
          min: 'linear',
          mag: 'linear',
          alignment: 1,
        })
        drawLayer({
          relevancy: texture,
          threshold: layer.threshold,
          opacity,
          tint: layer.tint ? [layer.tint[0] / 255, layer.tint[1] / 255, layer.tint[2] / 255] : [0, 0, 0],
          useTint: layer.tint ? 1 : 0,
        })
      })
    },
    destroy: context.destroy,
  }
}
