/**
 * The model's raw output [1, D, h, w] (channel-major, not normalised) → the map the console keeps,
 * as a small ONNX graph run in the worker right after the model: average-pool by an integer factor
 * when wider than the cache resolution (stride-1 models), transpose to pixel-major (HWC), then
 * L2-normalise each pixel (zero vectors stay zero). Native ops, several times faster than JS loops.
 */
import { elemFloat, intAttribute, intsAttribute, modelBytes, node, tensorInfo } from './onnx-proto'

export const outputGraphNames = { raw: 'raw', map: 'map' } as const

export function poolFactor(outputWidth: number, maxMapWidth: number): number {
  return Math.max(1, Math.ceil(outputWidth / maxMapWidth))
}

/** map [1, h/factor, w/factor, D]; the right/bottom remainder of a pooled output is dropped. */
export function outputGraphBytes(factor: number): Uint8Array {
  const { raw, map } = outputGraphNames
  const pool = factor > 1
    ? [node('AveragePool', [raw], ['pooled'], [intsAttribute('kernel_shape', [factor, factor]), intsAttribute('strides', [factor, factor])])]
    : []
  return modelBytes(
    `dve_output_layout_${factor}`,
    [
      ...pool,
      node('Transpose', [factor > 1 ? 'pooled' : raw], ['hwc'], [intsAttribute('perm', [0, 2, 3, 1])]),
      node('LpNormalization', ['hwc'], [map], [intAttribute('axis', 3), intAttribute('p', 2)]),
    ],
    [tensorInfo(raw, elemFloat, [1, 'D', 'H', 'W'])],
    [tensorInfo(map, elemFloat, [1, 'h', 'w', 'D'])],
  )
}
