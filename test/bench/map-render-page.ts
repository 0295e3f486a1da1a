/**
 * Page script of the map render benchmark: draws a synthetic map of N voxels with the real map
 * renderer and times frames (draw + a 1-pixel readPixels, so the GPU — SwiftShader here — has
 * finished). Bundled by map-render.bench.ts; exposes `window.mapRenderBench`.
 */
import type { MapPoints } from '@contract'
import { InteractiveBudget } from '../../src-renderer/src/render/map/interactive-budget'
import { createMapRenderer } from '../../src-renderer/src/render/map/map-renderer'
import {
  createCamera,
  frameBounds,
  orbit,
  projectionMatrix,
  viewMatrix,
} from '../../src-renderer/src/render/map/orbit-camera'

/** Points on the walls and floor of a 20 × 20 × 3 m hall, 5 cm apart in spirit. */
function hall(count: number): MapPoints {
  const positions = new Float32Array(count * 3)
  const colors = new Uint8Array(count * 4)
  let x = 12345
  const next = (): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x / 0x7fffffff
  }
  for (let i = 0; i < count; i++) {
    const face = i % 5
    const a = next() * 20
    const b = next() * (face === 0 ? 20 : 3)
    const p =
      face === 0 ? [a, b, 0] : face === 1 ? [a, 0, b] : face === 2 ? [a, 20, b] : face === 3 ? [0, a, b] : [20, a, b]
    positions.set(p, i * 3)
    colors.set([80 + face * 30, 120 + (i % 97), 160, 255], i * 4)
  }
  return {
    count,
    voxelSizeMeters: 0.05,
    hasPca: false,
    positions,
    colors,
    pcaColors: new Uint8Array(count * 4),
    labels: new Uint16Array(count),
  }
}

/**
 * Median frame time over `frames` orbiting frames; `keep` leaves the canvas on the page (for a
 * screenshot). `adapt`: the budget starts at `budget` and adapts as the Map view's does while the
 * camera moves (InteractiveBudget), 20 frames to settle before the timed ones.
 */
async function mapRenderBench(
  count: number,
  budget: number,
  frames: number,
  keep: boolean,
  adapt = false,
): Promise<{ medianMs: number; drawn: number; buildMs: number }> {
  const canvas = document.createElement('canvas')
  canvas.width = 1280
  canvas.height = 800
  document.body.appendChild(canvas)
  const renderer = createMapRenderer(canvas)
  const points = hall(count)
  const buildStart = performance.now()
  renderer.setPoints(points)
  const buildMs = performance.now() - buildStart
  renderer.setColors(points.colors)
  renderer.setOverlays({ lines: new Float32Array(0), pins: new Float32Array(0) })
  const camera = createCamera()
  frameBounds(camera, { minMeters: [0, 0, 0], maxMeters: [20, 20, 3] })
  const gl = canvas.getContext('webgl') as WebGLRenderingContext
  const pixel = new Uint8Array(4)
  const times: number[] = []
  let drawn = 0
  const interactive = new InteractiveBudget(budget)
  const settle = adapt ? 20 : 2
  for (let f = 0; f < frames + settle; f++) {
    orbit(camera, 3, 0)
    const start = performance.now()
    drawn = renderer.draw({
      view: viewMatrix(camera) as Float32Array,
      projection: projectionMatrix(camera, 1280 / 800) as Float32Array,
      fovYRadians: camera.fovYRadians,
      pointBudget: adapt ? interactive.points : budget,
      pointScale: 1,
    }).drawnPoints
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
    const ms = performance.now() - start
    if (adapt) interactive.update(ms)
    if (f >= settle) times.push(ms)
  }
  if (!keep) {
    renderer.destroy()
    canvas.remove()
  }
  times.sort((a, b) => a - b)
  return { medianMs: times[Math.floor(times.length / 2)]!, drawn, buildMs }
}

;(window as unknown as { mapRenderBench: typeof mapRenderBench }).mapRenderBench = mapRenderBench
