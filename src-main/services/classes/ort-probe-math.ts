/**
 * The probe's matrix products on onnxruntime (MLAS), ~50× faster than JS loops: two one-node graphs
 * built in code, P = Softmax(Gemm(X, W, b, transB)) and ∇W = Gemm(G, X, transA).
 */
import * as ort from 'onnxruntime-node'
import { elemFloat, intAttribute, modelBytes, node, tensorInfo } from '../inference/onnx-proto'
import type { ProbeMath } from './probe-trainer'

function forwardGraph(): Uint8Array {
  return modelBytes(
    'dve_probe_forward',
    [
      node('Gemm', ['x', 'w', 'b'], ['logits'], [intAttribute('transB', 1)]),
      node('Softmax', ['logits'], ['p'], [intAttribute('axis', 1)]),
    ],
    [tensorInfo('x', elemFloat, ['N', 'D']), tensorInfo('w', elemFloat, ['C', 'D']), tensorInfo('b', elemFloat, ['C'])],
    [tensorInfo('p', elemFloat, ['N', 'C'])],
  )
}

function gradientGraph(): Uint8Array {
  return modelBytes(
    'dve_probe_gradient',
    [node('Gemm', ['g', 'x'], ['grad_w'], [intAttribute('transA', 1)])],
    [tensorInfo('g', elemFloat, ['N', 'C']), tensorInfo('x', elemFloat, ['N', 'D'])],
    [tensorInfo('grad_w', elemFloat, ['C', 'D'])],
  )
}

export class OrtProbeMath implements ProbeMath {
  private constructor(
    private readonly forward: ort.InferenceSession,
    private readonly gradient: ort.InferenceSession,
  ) {}

  static async create(threads = 2): Promise<OrtProbeMath> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    }
    const [forward, gradient] = await Promise.all([
      ort.InferenceSession.create(forwardGraph(), options),
      ort.InferenceSession.create(gradientGraph(), options),
    ])
    return new OrtProbeMath(forward, gradient)
  }

  async probabilities(
    x: Float32Array,
    rows: number,
    dim: number,
    weights: Float32Array,
    bias: Float32Array,
    classCount: number,
  ): Promise<Float32Array> {
    const out = await this.forward.run({
      x: new ort.Tensor('float32', x.subarray(0, rows * dim), [rows, dim]),
      w: new ort.Tensor('float32', weights, [classCount, dim]),
      b: new ort.Tensor('float32', bias, [classCount]),
    })
    return out.p?.data as Float32Array
  }

  async weightGradient(
    g: Float32Array,
    x: Float32Array,
    rows: number,
    dim: number,
    classCount: number,
  ): Promise<Float32Array> {
    const out = await this.gradient.run({
      g: new ort.Tensor('float32', g, [rows, classCount]),
      x: new ort.Tensor('float32', x.subarray(0, rows * dim), [rows, dim]),
    })
    return out.grad_w?.data as Float32Array
  }

  async release(): Promise<void> {
    await Promise.all([this.forward.release(), this.gradient.release()])
  }
}
