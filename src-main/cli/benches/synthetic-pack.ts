/**
 * A model pack that stands in for DVEFormer at any size: colour and depth → Concat → one Conv 4→D,
 * 4×4 stride 4 (the output stride of the released model), fixed pseudo-random weights. The
 * `--model synthetic` bench uses the released model's sizes; tests use small ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  elemFloat,
  intAttribute,
  intsAttribute,
  modelBytes,
  node,
  tensorBytes,
  tensorInfo,
} from '../../services/inference/onnx-proto'

/** rgb [1,3,H,W] + depth [1,1,H,W] → [1, dim, H/4, W/4]. */
export function syntheticModelBytes(
  inputs: { rgb: string; depth: string },
  output: string,
  width: number,
  height: number,
  dim: number,
): Uint8Array {
  const weights = Float32Array.from({ length: dim * 4 * 4 * 4 }, (_, i) => Math.sin(i * 12.9898) * 0.1)
  return modelBytes(
    'synthetic_dveformer',
    [
      node('Concat', [inputs.rgb, inputs.depth], ['rgbd'], [intAttribute('axis', 1)]),
      node(
        'Conv',
        ['rgbd', 'weight'],
        [output],
        [intsAttribute('kernel_shape', [4, 4]), intsAttribute('strides', [4, 4])],
      ),
    ],
    [
      tensorInfo(inputs.rgb, elemFloat, [1, 3, height, width]),
      tensorInfo(inputs.depth, elemFloat, [1, 1, height, width]),
    ],
    [tensorInfo(output, elemFloat, [1, dim, height / 4, width / 4])],
    [tensorBytes('weight', elemFloat, [dim, 4, 4, 4], weights)],
  )
}

/** A pack of the released DVEFormer's sizes: rgb [1,3,480,640] + depth [1,1,480,640] → [1,768,120,160]. */
export function writeSyntheticPack(dir: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'image.onnx'),
    syntheticModelBytes({ rgb: 'rgb', depth: 'depth' }, 'dense_visual_embedding_decoder_0', 640, 480, 768),
  )
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify(
      {
        format: 'dve-model-pack',
        version: 1,
        name: 'synthetic-dveformer',
        description: 'DVEFormer-sized stand-in for benchmarks',
        image: {
          onnx: 'image.onnx',
          inputs: { rgb: 'rgb', depth: 'depth' },
          output: 'dense_visual_embedding_decoder_0',
          inputSize: { height: 480, width: 640 },
          outputStride: 4,
          embeddingDim: 768,
          rgbMean: [123.675, 116.28, 103.53],
          rgbStd: [58.395, 57.12, 57.375],
          depthUnitMeters: 0.001,
          depthMean: 2841.94941272766,
          depthStd: 1417.2594281672277,
          depthMaxMeters: null,
          invalidDepthValue: 0,
        },
        classSets: [],
      },
      null,
      2,
    ),
  )
  return dir
}
