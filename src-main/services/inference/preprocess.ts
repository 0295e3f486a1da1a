/**
 * Frame → network tensors, as DVEFormer was trained (facts doc §2): stretch to the network size
 * (RGB bilinear, depth nearest), RGB (v − mean) / std on 0..255, depth in the pack's unit with
 * (d − mean) / std and invalid pixels (0, NaN, beyond depthMax) set to the pack's invalid value.
 * `preprocessFrame` does it all here (NCHW float32 planes: R, G, B, then depth; the fp16 tier's
 * worker). `resizeFrameForGraph` only resizes, to uint8 colour and uint16 depth in mm with invalid
 * pixels as 0, for models with the normalising prefix of `input-graph.ts` (the compact tier).
 */
import type { ImageModelSpec } from '../../contract'
import type { DepthImageMeters, RgbImage } from '../ports'
import { nearestSourceIndices, resizeLinearU8 } from './resize'
import type { TensorData } from './worker-protocol'

export type PreprocessSpec = Pick<
  ImageModelSpec,
  | 'inputSize'
  | 'rgbMean'
  | 'rgbStd'
  | 'depthUnitMeters'
  | 'depthMean'
  | 'depthStd'
  | 'depthMaxMeters'
  | 'invalidDepthValue'
>

/** Four planes of height × width: R, G, B, depth (one buffer, so a 4-channel input needs no copy). */
export interface NetworkInput {
  width: number
  height: number
  planes: Float32Array
  rgb: Float32Array
  depth: Float32Array
}

/** The model's float inputs by name: one 4-channel tensor, or colour and depth apart. */
export function floatFeeds(inputs: ImageModelSpec['inputs'], input: NetworkInput): Record<string, TensorData> {
  const tensor = (channels: number, data: Float32Array): TensorData => ({
    type: 'float32',
    dims: [1, channels, input.height, input.width],
    data,
  })
  return 'rgbd' in inputs
    ? { [inputs.rgbd]: tensor(4, input.planes) }
    : { [inputs.rgb]: tensor(3, input.rgb), [inputs.depth]: tensor(1, input.depth) }
}

const nearestCache = new Map<string, Int32Array>()

function cachedNearest(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): Int32Array {
  const key = `${srcWidth}x${srcHeight}>${dstWidth}x${dstHeight}`
  let indices = nearestCache.get(key)
  if (!indices) {
    indices = nearestSourceIndices(srcWidth, srcHeight, dstWidth, dstHeight)
    nearestCache.set(key, indices)
  }
  return indices
}

/** Network-sized colour as the camera gives it (HWC uint8) and depth in whole mm, 0 where invalid. */
export interface GraphInput {
  width: number
  height: number
  rgbHwc: Uint8Array
  depthMm: Uint16Array
}

export function resizeFrameForGraph(
  rgb: RgbImage,
  depthMeters: DepthImageMeters,
  spec: Pick<PreprocessSpec, 'inputSize' | 'depthMaxMeters'>,
): GraphInput {
  const { width, height } = spec.inputSize
  const indices = cachedNearest(depthMeters.width, depthMeters.height, width, height)
  const maxMeters = spec.depthMaxMeters ?? Number.POSITIVE_INFINITY
  const source = depthMeters.data
  const depthMm = new Uint16Array(width * height)
  for (let i = 0; i < depthMm.length; i++) {
    const meters = source[indices[i] as number] as number
    // Sensors and recordings give whole mm, so rounding loses nothing; a positive depth stays valid (≥ 1 mm).
    if (meters > 0 && meters <= maxMeters) depthMm[i] = Math.min(65535, Math.max(1, Math.round(meters * 1000)))
  }
  return { width, height, rgbHwc: resizeLinearU8(rgb.data, rgb.width, rgb.height, 3, width, height), depthMm }
}

export function preprocessFrame(rgb: RgbImage, depthMeters: DepthImageMeters, spec: PreprocessSpec): NetworkInput {
  const { width, height } = spec.inputSize
  const pixels = width * height
  const planes = new Float32Array(pixels * 4)
  const input: NetworkInput = {
    width,
    height,
    planes,
    rgb: planes.subarray(0, pixels * 3),
    depth: planes.subarray(pixels * 3),
  }
  writeRgbPlanes(rgb, spec, input)
  writeDepthPlane(depthMeters, spec, input)
  return input
}

function writeRgbPlanes(rgb: RgbImage, spec: PreprocessSpec, input: NetworkInput): void {
  const resized = resizeLinearU8(rgb.data, rgb.width, rgb.height, 3, input.width, input.height)
  const pixels = input.width * input.height
  for (let c = 0; c < 3; c++) {
    const mean = spec.rgbMean[c] as number
    const invStd = 1 / (spec.rgbStd[c] as number)
    const plane = input.rgb.subarray(c * pixels, (c + 1) * pixels)
    for (let i = 0, j = c; i < pixels; i++, j += 3) plane[i] = ((resized[j] as number) - mean) * invStd
  }
}

function writeDepthPlane(depthMeters: DepthImageMeters, spec: PreprocessSpec, input: NetworkInput): void {
  const indices = cachedNearest(depthMeters.width, depthMeters.height, input.width, input.height)
  const maxMeters = spec.depthMaxMeters ?? Number.POSITIVE_INFINITY
  const toUnit = 1 / spec.depthUnitMeters
  const invStd = 1 / spec.depthStd
  const { depthMean, invalidDepthValue } = spec
  const source = depthMeters.data
  const plane = input.depth
  for (let i = 0; i < plane.length; i++) {
    const meters = source[indices[i] as number] as number
    // `!(meters > 0)` also catches NaN.
    plane[i] = !(meters > 0) || meters > maxMeters ? invalidDepthValue : (meters * toUnit - depthMean) * invStd
  }
}
