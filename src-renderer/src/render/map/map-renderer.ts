/**
 * The map explorer's WebGL drawing (regl), framework-free: voxel splats (round points sized to the
 * voxel on screen), the camera trajectory with frustums, and query pins.
 *
 * Level of detail: the points are uploaded once in a shuffled order, so the first n of them are a
 * uniform sample of the map; with a point budget only the first `budget` are drawn, each splat
 * enlarged by √(N/budget) (at most `maxThinning`) so the surfaces stay nearly closed.
 */
import createREGL from 'regl'
import type { MapPoints } from '@contract'

export interface MapOverlays {
  /** Line segments (pairs of points), world metres: trajectory and frustums. */
  lines: Float32Array
  /** Pin positions. */
  pins: Float32Array
}

export interface MapDrawParams {
  view: Float32Array | number[]
  projection: Float32Array | number[]
  fovYRadians: number
  /** Points drawn at most; Infinity for all. */
  pointBudget: number
  /** Splat size multiplier (1 = voxel size). */
  pointScale: number
}

export interface MapRenderer {
  setPoints(points: MapPoints): void
  /** RGBA per voxel in payload order. */
  setColors(colors: Uint8Array): void
  setOverlays(overlays: MapOverlays): void
  draw(params: MapDrawParams): { drawnPoints: number }
  /** Positions in draw order and the payload index of each, for picking the drawn points. */
  drawOrder(): { positions: Float32Array; payloadIndex: Uint32Array; count: number }
  destroy(): void
}

/** Largest splat enlargement under a point budget. */
const maxThinning = 2.5

const pointVert = `
precision highp float;
attribute vec3 position;
attribute vec4 color;
uniform mat4 view, projection;
uniform float sizeScale;
varying vec3 vColor;
void main() {
  vec4 eye = view * vec4(position, 1.0);
  gl_Position = projection * eye;
  gl_PointSize = clamp(sizeScale / max(0.05, -eye.z), 1.5, 48.0);
  vColor = color.rgb;
}`

const pointFrag = `
precision mediump float;
varying vec3 vColor;
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  if (dot(c, c) > 1.0) discard;
  gl_FragColor = vec4(vColor, 1.0);
}`

const lineVert = `
precision highp float;
attribute vec3 position;
uniform mat4 view, projection;
uniform float pointSize;
void main() {
  gl_Position = projection * view * vec4(position, 1.0);
  gl_PointSize = pointSize;
}`

const solidFrag = `
precision mediump float;
uniform vec4 color;
void main() { gl_FragColor = color; }`

export function createMapRenderer(canvas: HTMLCanvasElement): MapRenderer {
  // preserveDrawingBuffer: the screenshot button reads the canvas after the frame was presented.
  const regl = createREGL({ canvas, attributes: { antialias: false, preserveDrawingBuffer: true } })
  const positionBuffer = regl.buffer({ usage: 'static', type: 'float', length: 0 })
  const colorBuffer = regl.buffer({ usage: 'dynamic', type: 'uint8', length: 0 })
  const lineBuffer = regl.buffer({ usage: 'dynamic', type: 'float', length: 0 })
  const pinBuffer = regl.buffer({ usage: 'dynamic', type: 'float', length: 0 })
  let count = 0
  let voxelSize = 0.05
  let order: Uint32Array<ArrayBuffer> = new Uint32Array(0)
  let drawPositions: Float32Array<ArrayBuffer> = new Float32Array(0)
  let lineCount = 0
  let pinCount = 0

  const drawPoints = regl({
    vert: pointVert, frag: pointFrag, primitive: 'points',
    attributes: { position: { buffer: positionBuffer, size: 3 }, color: { buffer: colorBuffer, size: 4, normalized: true } },
    uniforms: { view: regl.prop<{ view: number[] }, 'view'>('view'), projection: regl.prop<{ projection: number[] }, 'projection'>('projection'), sizeScale: regl.prop<{ sizeScale: number }, 'sizeScale'>('sizeScale') },
    count: regl.prop<{ count: number }, 'count'>('count'),
  })
  const drawSolid = (primitive: 'lines' | 'points', buffer: typeof lineBuffer) => regl({
    vert: lineVert, frag: solidFrag, primitive,
    attributes: { position: { buffer, size: 3 } },
    uniforms: {
      view: regl.prop<{ view: number[] }, 'view'>('view'), projection: regl.prop<{ projection: number[] }, 'projection'>('projection'),
      color: regl.prop<{ color: number[] }, 'color'>('color'), pointSize: regl.prop<{ pointSize: number }, 'pointSize'>('pointSize'),
    },
    count: regl.prop<{ count: number }, 'count'>('count'),
    depth: { enable: primitive === 'lines' },
  })
  const drawLines = drawSolid('lines', lineBuffer)
  const drawPins = drawSolid('points', pinBuffer)

  return {
    setPoints(points) {
      count = points.count
      voxelSize = points.voxelSizeMeters
      order = shuffledOrder(count)
      drawPositions = new Float32Array(count * 3)
      for (let k = 0; k < count; k++) drawPositions.set(points.positions.subarray(order[k]! * 3, order[k]! * 3 + 3), k * 3)
      positionBuffer({ data: drawPositions, usage: 'static' })
    },
    setColors(colors) {
      const reordered = new Uint8Array(count * 4)
      for (let k = 0; k < count; k++) reordered.set(colors.subarray(order[k]! * 4, order[k]! * 4 + 4), k * 4)
      colorBuffer({ data: reordered, usage: 'dynamic' })
    },
    setOverlays(overlays) {
      lineCount = overlays.lines.length / 3
      pinCount = overlays.pins.length / 3
      lineBuffer({ data: overlays.lines, usage: 'dynamic' })
      pinBuffer({ data: overlays.pins, usage: 'dynamic' })
    },
    draw(params) {
      regl.poll()
      regl.clear({ color: [0.08, 0.09, 0.11, 1], depth: 1 })
      const drawn = Math.min(count, Math.max(0, Math.floor(params.pointBudget)))
      const height = canvas.height
      // Fill rate, not vertex count, bounds software GL: enlarging splats fully would undo the budget.
      const thinning = drawn > 0 ? Math.min(maxThinning, Math.sqrt(count / drawn)) : 1
      const sizeScale = (voxelSize * params.pointScale * thinning * height) / (2 * Math.tan(params.fovYRadians / 2))
      const common = { view: params.view as number[], projection: params.projection as number[] }
      if (drawn > 0) drawPoints({ ...common, sizeScale, count: drawn })
      if (lineCount > 0) drawLines({ ...common, color: [0.95, 0.75, 0.2, 1], pointSize: 1, count: lineCount })
      if (pinCount > 0) drawPins({ ...common, color: [1, 0.2, 0.6, 1], pointSize: 14, count: pinCount })
      return { drawnPoints: drawn }
    },
    drawOrder: () => ({ positions: drawPositions, payloadIndex: order, count }),
    destroy: () => regl.destroy(),
  }
}

/** A fixed pseudo-random permutation (same map → same sample, so the view does not flicker). */
function shuffledOrder(count: number): Uint32Array<ArrayBuffer> {
  const order = new Uint32Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  let x = 0x9e3779b9
  for (let i = count - 1; i > 0; i--) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const j = (x >>> 0) % (i + 1)
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  return order
}
