/**
 * The map explorer's WebGL drawing (regl), framework-free: voxel splats (round points sized to the
 * voxel on screen), the camera trajectory with frustums, and query pins.
 *
 * Level of detail: the points are uploaded once in octree order (point-octree.ts, as Potree does);
 * each frame draws the nodes that matter most on screen within the point budget, each node's splats
 * sized to the finest level drawn around it so coarse regions stay closed.
 */
import createREGL from 'regl'
import { mat4 } from 'gl-matrix'
import type { MapPoints } from '@contract'
import { buildPointOctree, chooseNodes, type NodeChoice, type PointOctree } from './point-octree'

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
  let octree: PointOctree = { order: new Uint32Array(0), nodes: [] }
  let order: Uint32Array<ArrayBuffer> = new Uint32Array(0)
  let drawPositions: Float32Array<ArrayBuffer> = new Float32Array(0)
  let lastChoice: NodeChoice[] = []
  let lineCount = 0
  let pinCount = 0

  const drawPoints = regl({
    vert: pointVert,
    frag: pointFrag,
    primitive: 'points',
    attributes: {
      position: { buffer: positionBuffer, size: 3 },
      color: { buffer: colorBuffer, size: 4, normalized: true },
    },
    uniforms: {
      view: regl.prop<{ view: number[] }, 'view'>('view'),
      projection: regl.prop<{ projection: number[] }, 'projection'>('projection'),
      sizeScale: regl.prop<{ sizeScale: number }, 'sizeScale'>('sizeScale'),
    },
    offset: regl.prop<{ offset: number }, 'offset'>('offset'),
    count: regl.prop<{ count: number }, 'count'>('count'),
  })
  const drawSolid = (primitive: 'lines' | 'points', buffer: typeof lineBuffer) =>
    regl({
      vert: lineVert,
      frag: solidFrag,
      primitive,
      attributes: { position: { buffer, size: 3 } },
      uniforms: {
        view: regl.prop<{ view: number[] }, 'view'>('view'),
        projection: regl.prop<{ projection: number[] }, 'projection'>('projection'),
        color: regl.prop<{ color: number[] }, 'color'>('color'),
        pointSize: regl.prop<{ pointSize: number }, 'pointSize'>('pointSize'),
      },
      count: regl.prop<{ count: number }, 'count'>('count'),
      depth: { enable: primitive === 'lines' },
    })
  const drawLines = drawSolid('lines', lineBuffer)
  const drawPins = drawSolid('points', pinBuffer)

  return {
    setPoints(points) {
      count = points.count
      octree = buildPointOctree(points.positions, count, points.voxelSizeMeters)
      order = octree.order
      drawPositions = new Float32Array(count * 3)
      for (let k = 0; k < count; k++)
        drawPositions.set(points.positions.subarray(order[k]! * 3, order[k]! * 3 + 3), k * 3)
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
      const pixelsPerRadian = canvas.height / (2 * Math.tan(params.fovYRadians / 2))
      lastChoice = chooseNodes(
        octree,
        mat4.multiply(mat4.create(), params.projection as mat4, params.view as mat4),
        eyeOf(params.view),
        pixelsPerRadian,
        Math.max(0, Math.floor(params.pointBudget)),
      )
      const common = { view: params.view as number[], projection: params.projection as number[] }
      // Splats as wide as the finest spacing drawn around each node; neighbouring ranges of one size are one draw call.
      const batches: Array<{ offset: number; count: number; splatMeters: number }> = []
      for (const { node, splatMeters } of [...lastChoice].sort((a, b) => a.node.start - b.node.start)) {
        const last = batches.at(-1)
        if (last && last.offset + last.count === node.start && last.splatMeters === splatMeters)
          last.count += node.count
        else batches.push({ offset: node.start, count: node.count, splatMeters })
      }
      if (batches.length)
        drawPoints(
          batches.map((b) => ({
            ...common,
            sizeScale: b.splatMeters * params.pointScale * pixelsPerRadian,
            offset: b.offset,
            count: b.count,
          })),
        )
      const drawn = lastChoice.reduce((sum, c) => sum + c.node.count, 0)
      if (lineCount > 0) drawLines({ ...common, color: [0.95, 0.75, 0.2, 1], pointSize: 1, count: lineCount })
      if (pinCount > 0) drawPins({ ...common, color: [1, 0.2, 0.6, 1], pointSize: 14, count: pinCount })
      return { drawnPoints: drawn }
    },
    drawOrder() {
      // The points of the nodes drawn last, compacted (picking is rare; drawing never needs this).
      const drawn = lastChoice.reduce((sum, c) => sum + c.node.count, 0)
      const positions = new Float32Array(drawn * 3)
      const payloadIndex = new Uint32Array(drawn)
      let k = 0
      for (const { node } of lastChoice) {
        positions.set(drawPositions.subarray(node.start * 3, (node.start + node.count) * 3), k * 3)
        payloadIndex.set(order.subarray(node.start, node.start + node.count), k)
        k += node.count
      }
      return { positions, payloadIndex, count: drawn }
    },
    destroy: () => regl.destroy(),
  }
}

/** Camera position in world metres from a view matrix. */
function eyeOf(view: ArrayLike<number>): [number, number, number] {
  // A view matrix is rigid, so it always inverts.
  const inverse = mat4.invert(mat4.create(), view as mat4) ?? mat4.create()
  return [inverse[12], inverse[13], inverse[14]]
}
