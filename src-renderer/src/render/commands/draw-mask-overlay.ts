/**
 * Class-map overlay (regl), shared by the Segmentation, Classes and Ask views.
 *
 *   const overlay = createMaskOverlay(canvas)       // one per canvas
 *   overlay.setImage(rgbImageElement)              // the frame, drawn underneath
 *   overlay.setClassMap(indices, width, height)    // 0-based class per pixel (uint8 or uint16)
 *   overlay.setPalette(colors)                     // RGB 0..255 per class
 *   overlay.draw({ opacity: 0.6, highlight: 2 })   // highlight: one class stays opaque, others fade
 *   overlay.destroy()                              // on unmount
 *
 * Instead of a class map, `setOverlayImage(image)` blends any RGB image (e.g. the PCA picture).
 * Class indices are looked up in a palette texture with nearest sampling (indices must never be
 * interpolated), so changing colours or opacity re-uploads nothing big.
 */
import type { Texture2D } from 'regl'
import { createReglContext, fullFrameQuad } from '../context'

export interface MaskOverlayOptions {
  /** 0 = only the frame, 1 = only the classes. */
  opacity: number
  /** A class index to emphasise (others drawn at a quarter of the opacity), or null. */
  highlight?: number | null
}

export interface MaskOverlay {
  setImage(image: TexImageSource | null): void
  setClassMap(indices: Uint8Array | Uint16Array, width: number, height: number): void
  setPalette(colors: ReadonlyArray<readonly [number, number, number]>): void
  setOverlayImage(image: TexImageSource | null): void
  draw(options: MaskOverlayOptions): void
  destroy(): void
}

/** Palette rows of 256 classes; a texture this wide works on every WebGL 1 device. */
const paletteWidth = 256

const frag = `
precision mediump float;
uniform sampler2D image;
uniform sampler2D classMap;
uniform sampler2D palette;
uniform sampler2D overlayImage;
uniform vec2 paletteSize;
uniform float hasImage;
uniform float mode; // 0: nothing over the frame, 1: class map, 2: overlay image
uniform float opacity;
uniform float highlight; // -1: none
varying vec2 uv;
void main() {
  vec3 base = mix(vec3(0.0), texture2D(image, uv).rgb, hasImage);
  // Index bytes: low in luminance, high in alpha (uint16), or low only (uint8 → alpha 1 ignored).
  vec4 indexBytes = texture2D(classMap, uv);
  float index = floor(indexBytes.r * 255.0 + 0.5) + (mode > 0.5 && mode < 1.5 && paletteSize.y > 1.0 ? floor(indexBytes.a * 255.0 + 0.5) * 256.0 : 0.0);
  vec2 cell = vec2(mod(index, ${paletteWidth}.0), floor(index / ${paletteWidth}.0));
  vec3 classColor = texture2D(palette, (cell + 0.5) / paletteSize).rgb;
  vec3 over = mode > 1.5 ? texture2D(overlayImage, uv).rgb : classColor;
  float alpha = mode > 0.5 ? opacity : 0.0;
  if (highlight >= 0.0 && mode > 0.5 && mode < 1.5) alpha *= abs(index - highlight) < 0.5 ? 1.0 / max(opacity, 0.01) : 0.25;
  gl_FragColor = vec4(mix(base, over, clamp(alpha, 0.0, 1.0)), 1.0);
}`

export function createMaskOverlay(canvas: HTMLCanvasElement): MaskOverlay {
  const context = createReglContext(canvas)
  const { regl } = context
  const blank = () => regl.texture({ data: new Uint8Array(4), width: 1, height: 1 })
  const image = blank()
  const overlayImage = blank()
  const classMap = blank()
  const palette = regl.texture({ data: new Uint8Array(4), width: 1, height: 1, min: 'nearest', mag: 'nearest' })
  let paletteSize: [number, number] = [1, 1]
  let hasImage = 0
  let mode = 0

  interface Props {
    opacity: number
    highlight: number
  }
  const drawQuad = regl({
    ...fullFrameQuad,
    frag,
    uniforms: {
      image,
      classMap,
      palette,
      overlayImage,
      paletteSize: () => paletteSize,
      hasImage: () => hasImage,
      mode: () => mode,
      opacity: regl.prop<Props, 'opacity'>('opacity'),
      highlight: regl.prop<Props, 'highlight'>('highlight'),
    },
  })

  function upload(texture: Texture2D, source: TexImageSource): void {
    texture({ data: source as HTMLImageElement, min: 'linear', mag: 'linear' })
  }

  return {
    setImage(source) {
      hasImage = source ? 1 : 0
      if (source) upload(image, source)
    },
    setClassMap(indices, width, height) {
      if (indices instanceof Uint16Array) {
        // Two bytes per pixel as luminance (low) + alpha (high); little-endian like the payload.
        const bytes = new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength)
        classMap({
          data: bytes,
          width,
          height,
          format: 'luminance alpha',
          min: 'nearest',
          mag: 'nearest',
          alignment: 1,
        })
      } else {
        classMap({ data: indices, width, height, format: 'luminance', min: 'nearest', mag: 'nearest', alignment: 1 })
      }
      mode = 1
    },
    setPalette(colors) {
      const rows = Math.max(1, Math.ceil(colors.length / paletteWidth))
      const data = new Uint8Array(paletteWidth * rows * 4)
      colors.forEach((c, i) => data.set([c[0], c[1], c[2], 255], 4 * i))
      palette({ data, width: paletteWidth, height: rows, min: 'nearest', mag: 'nearest' })
      paletteSize = [paletteWidth, rows]
    },
    setOverlayImage(source) {
      if (source) upload(overlayImage, source)
      mode = source ? 2 : 0
    },
    draw({ opacity, highlight = null }) {
      regl.poll()
      regl.clear({ color: [0, 0, 0, 1] })
      drawQuad({ opacity, highlight: highlight ?? -1 })
    },
    destroy: context.destroy,
  }
}
