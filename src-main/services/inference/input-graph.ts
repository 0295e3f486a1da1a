/**
 * Normalisation inside the model's graph: a prefix that takes the network-sized frame as the camera
 * gives it (colour HWC uint8, depth uint16 in mm, 0 where invalid; `resizeFrameForGraph`) and
 * computes the model's float inputs as `preprocessFrame` does on the CPU: colour to channel-major,
 * (v − mean) / std; depth to the pack's unit, (d − mean) / std, invalid (0) → the pack's invalid
 * value. A frame's inputs then cross to the native-work process as 1.5 MB instead of 4.9 MB of
 * float32 at 640×480, and the prefix runs where the model runs (on a GPU provider, on the GPU; on
 * the CPU provider it is CPU time the console adds, and `dve bench inference --model` times it).
 */
import type { ImageModelSpec } from '../../contract'
import type { DepthImageMeters, RgbImage } from '../ports'
import { modelWithPrefix, type GraphPrefix } from './onnx-graph-edit'
import {
  elemFloat,
  elemUint16,
  elemUint8,
  intAttribute,
  intsAttribute,
  modelBytes,
  node,
  tensorBytes,
  tensorInfo,
} from './onnx-proto'
import { resizeFrameForGraph } from './preprocess'
import type { TensorData } from './worker-protocol'

export const inputGraphNames = { rgb: 'dve_rgb_hwc_u8', depth: 'dve_depth_mm_u16' } as const

export type InputSpec = Pick<
  ImageModelSpec,
  'inputs' | 'inputSize' | 'rgbMean' | 'rgbStd' | 'depthUnitMeters' | 'depthMean' | 'depthStd' | 'invalidDepthValue'
>

const name = (s: string) => `dve_in_${s}`

/** The prefix's nodes and constants; its outputs are the model's input names. */
function inputPrefix(image: InputSpec): GraphPrefix & { outputs: Array<{ name: string; channels: number }> } {
  const { width, height } = image.inputSize
  const inputs = image.inputs
  const split = 'rgbd' in inputs ? null : inputs
  const rgbd = 'rgbd' in inputs ? inputs.rgbd : null
  const rgbOut = split ? split.rgb : name('rgb')
  const depthOut = split ? split.depth : name('depth')
  const mmToUnit = 0.001 / image.depthUnitMeters
  const nodes = [
    node('Transpose', [inputGraphNames.rgb], [name('rgb_chw')], [intsAttribute('perm', [0, 3, 1, 2])]),
    node('Cast', [name('rgb_chw')], [name('rgb_f')], [intAttribute('to', elemFloat)]),
    node('Sub', [name('rgb_f'), name('rgb_mean')], [name('rgb_c')]),
    node('Div', [name('rgb_c'), name('rgb_std')], [rgbOut]),
    node('Cast', [inputGraphNames.depth], [name('depth_mm')], [intAttribute('to', elemFloat)]),
    ...(mmToUnit === 1 ? [] : [node('Mul', [name('depth_mm'), name('mm_to_unit')], [name('depth_unit')])]),
    node('Sub', [mmToUnit === 1 ? name('depth_mm') : name('depth_unit'), name('depth_mean')], [name('depth_c')]),
    node('Div', [name('depth_c'), name('depth_std')], [name('depth_n')]),
    node('Greater', [name('depth_mm'), name('zero')], [name('valid')]),
    node('Where', [name('valid'), name('depth_n'), name('invalid')], [depthOut]),
    ...(rgbd ? [node('Concat', [rgbOut, depthOut], [rgbd], [intAttribute('axis', 1)])] : []),
  ]
  const scalar = (n: string, value: number) => tensorBytes(name(n), elemFloat, [], Float32Array.of(value))
  const initializers = [
    tensorBytes(name('rgb_mean'), elemFloat, [1, 3, 1, 1], Float32Array.from(image.rgbMean)),
    tensorBytes(name('rgb_std'), elemFloat, [1, 3, 1, 1], Float32Array.from(image.rgbStd)),
    ...(mmToUnit === 1 ? [] : [scalar('mm_to_unit', mmToUnit)]),
    scalar('depth_mean', image.depthMean),
    scalar('depth_std', image.depthStd),
    scalar('zero', 0),
    scalar('invalid', image.invalidDepthValue),
  ]
  return {
    replaces: split ? [split.rgb, split.depth] : [rgbd as string],
    nodes,
    initializers,
    inputs: [
      tensorInfo(inputGraphNames.rgb, elemUint8, [1, height, width, 3]),
      tensorInfo(inputGraphNames.depth, elemUint16, [1, 1, height, width]),
    ],
    outputs: split
      ? [
          { name: split.rgb, channels: 3 },
          { name: split.depth, channels: 1 },
        ]
      : [{ name: rgbd as string, channels: 4 }],
  }
}

/** The model with the prefix in front: it takes `inputGraphNames` instead of its float inputs. */
export function modelWithInputPrefix(model: Uint8Array, image: InputSpec): Uint8Array {
  return modelWithPrefix(model, inputPrefix(image))
}

/** The prefix alone, its outputs the model's float inputs: to time it, and to test it against `preprocessFrame`. */
export function inputPrefixGraphBytes(image: InputSpec): Uint8Array {
  const prefix = inputPrefix(image)
  const { width, height } = image.inputSize
  return modelBytes(
    'dve_input_prefix',
    prefix.nodes,
    prefix.inputs,
    prefix.outputs.map((o) => tensorInfo(o.name, elemFloat, [1, o.channels, height, width])),
    prefix.initializers,
  )
}

/** A frame's feeds for a model with the prefix (resized here, normalised in the graph). */
export function graphFeeds(
  image: InputSpec & Pick<ImageModelSpec, 'depthMaxMeters'>,
  frame: { rgb: RgbImage; depthMeters: DepthImageMeters },
): Record<string, TensorData> {
  const input = resizeFrameForGraph(frame.rgb, frame.depthMeters, image)
  return {
    [inputGraphNames.rgb]: { type: 'uint8', dims: [1, input.height, input.width, 3], data: input.rgbHwc },
    [inputGraphNames.depth]: { type: 'uint16', dims: [1, 1, input.height, input.width], data: input.depthMm },
  }
}
