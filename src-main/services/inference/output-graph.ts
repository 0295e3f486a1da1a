/**
 * The model's raw output [1, D, h, w] (channel-major, not normalised) → the map the console keeps,
 * as a small ONNX graph run in the worker right after the model: average-pool by an integer factor
 * when wider than the cache resolution (stride-1 models), transpose to pixel-major (HWC),
 * L2-normalise each pixel (zero vectors stay zero), and cast to fp16 (round to nearest even) for the
 * cache. The worker keeps those halves for scoring (the heads cast them back in their graph), so a map
 * used now scores exactly like the same map read from the cache later; a float32 copy made here cost
 * 8–10 ms a frame in fresh memory (2026-12-07). Native ops: several times faster than loops in JS.
 */
import { elemFloat, elemFloat16, intAttribute, intsAttribute, modelBytes, node, tensorInfo } from './onnx-proto'

export const outputGraphNames = { raw: 'raw', halves: 'halves' } as const

export function poolFactor(outputWidth: number, maxMapWidth: number): number {
  return Math.max(1, Math.ceil(outputWidth / maxMapWidth))
}

/** halves (fp16) [1, h/factor, w/factor, D]; a pooled output's right/bottom remainder is dropped. */
export function outputGraphBytes(factor: number): Uint8Array {
  const { raw, halves } = outputGraphNames
  const pool =
    factor > 1
      ? [
          node(
            'AveragePool',
            [raw],
            ['pooled'],
            [intsAttribute('kernel_shape', [factor, factor]), intsAttribute('strides', [factor, factor])],
          ),
        ]
      : []
  return modelBytes(
    `dve_output_layout_${factor}`,
    [
      ...pool,
      node('Transpose', [factor > 1 ? 'pooled' : raw], ['hwc'], [intsAttribute('perm', [0, 2, 3, 1])]),
      node('LpNormalization', ['hwc'], ['unit'], [intAttribute('axis', 3), intAttribute('p', 2)]),
      node('Cast', ['unit'], [halves], [intAttribute('to', elemFloat16)]),
    ],
    [tensorInfo(raw, elemFloat, [1, 'D', 'H', 'W'])],
    [tensorInfo(halves, elemFloat16, [1, 'h', 'w', 'D'])],
  )
}
