/** Provider settings for each provider and platform, and the TensorRT engine-cache key. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  defaultWorkspaceBytes,
  engineBuildAhead,
  engineCacheFor,
  planProviders,
  type ProviderHost,
  type TensorRtProviderConfig,
} from '../../../../src-main/services/inference/provider-options'

const orin: ProviderHost = {
  unavailable: {},
  forwardsTensorRtOptions: true,
  tensorRtVersion: '10.3.0',
  gpu: { name: 'NVIDIA Jetson AGX Orin Developer Kit', driver: 'L4T R36.4.3', computeCapability: '8.7' },
}
const workstation: ProviderHost = {
  unavailable: {},
  forwardsTensorRtOptions: false,
  tensorRtVersion: '10.9.0',
  gpu: { name: 'NVIDIA RTX A4000', driver: '570.86', computeCapability: '8.6' },
}
const cpuOnlyArm64: ProviderHost = {
  unavailable: {
    cuda: 'not supported by this onnxruntime-node build',
    tensorrt: 'not supported by this onnxruntime-node build',
  },
  forwardsTensorRtOptions: false,
  tensorRtVersion: null,
  gpu: null,
}
const cacheDir = join('/data', 'dve', 'cache')
const model = { hash: 'a'.repeat(64) }
const order = ['tensorrt', 'cuda', 'cpu'] as const

describe('planProviders', () => {
  it('Jetson with the patched binding: TensorRT fp16 with engine and timing caches under the data folder, then CUDA, then CPU', () => {
    const plan = planProviders(order, orin, { cacheDir, model })
    expect(plan.skipped).toEqual([])
    expect(plan.choices.map((c) => c.provider)).toEqual(['tensorrt', 'cuda', 'cpu'])
    const trt = plan.choices[0]?.config as TensorRtProviderConfig
    expect(trt.trt_fp16_enable).toBe('True')
    expect(trt.trt_engine_cache_enable).toBe('True')
    expect(trt.trt_timing_cache_enable).toBe('True')
    expect(trt.trt_engine_cache_path.startsWith(join(cacheDir, 'tensorrt') + '/')).toBe(true)
    expect(trt.trt_timing_cache_path).toBe(trt.trt_engine_cache_path)
    expect(trt.trt_max_workspace_size).toBe(String(defaultWorkspaceBytes))
    // ORT's provider-option API takes strings only
    expect(Object.values(trt).filter((v) => typeof v !== 'string')).toEqual([0])
    expect(plan.choices[1]?.config).toEqual({ name: 'cuda', deviceId: 0 })
    expect(plan.choices[2]?.config).toEqual({ name: 'cpu' })
  })

  it('the workspace limit and device id are options', () => {
    const trt = planProviders(['tensorrt'], orin, { cacheDir, model, workspaceBytes: 2 ** 30, deviceId: 1 }).choices[0]
      ?.config as TensorRtProviderConfig
    expect(trt.trt_max_workspace_size).toBe(String(2 ** 30))
    expect(trt.deviceId).toBe(1)
  })

  it('x64 workstation with the published binding: TensorRT skipped with the reason, CUDA used', () => {
    const plan = planProviders(order, workstation, { cacheDir, model })
    expect(plan.choices.map((c) => c.provider)).toEqual(['cuda', 'cpu'])
    expect(plan.skipped).toHaveLength(1)
    expect(plan.skipped[0]).toMatchObject({ provider: 'tensorrt', attempted: false })
    expect(plan.skipped[0]?.reason).toMatch(/drops TensorRT options.*JETSON\.md/)
  })

  it('published linux-arm64 binding (CPU only): GPU providers skipped with their reasons', () => {
    const plan = planProviders(order, cpuOnlyArm64, { cacheDir, model: null })
    expect(plan.choices.map((c) => c.provider)).toEqual(['cpu'])
    expect(plan.skipped.map((s) => `${s.provider}: ${s.reason}`)).toEqual([
      'tensorrt: not supported by this onnxruntime-node build',
      'cuda: not supported by this onnxruntime-node build',
    ])
  })

  it('follows the configured order', () => {
    expect(planProviders(['cpu', 'tensorrt'], orin, { cacheDir, model }).choices.map((c) => c.provider)).toEqual([
      'cpu',
      'tensorrt',
    ])
  })

  it('TensorRT needs the model hash for its cache key', () => {
    const plan = planProviders(order, orin, { cacheDir, model: null })
    expect(plan.skipped[0]).toMatchObject({ provider: 'tensorrt', reason: 'no model hash for the engine cache key' })
  })
})

describe('engine cache key', () => {
  const key = (m: { hash: string }, host: Pick<ProviderHost, 'tensorRtVersion' | 'gpu'>) =>
    engineCacheFor(cacheDir, m, host).key
  it('changes with the model, the TensorRT version and the GPU, and is a plain folder name', () => {
    const base = key(model, orin)
    expect(base).toMatch(/^[a-z0-9._-]+$/)
    expect(base).toContain('trt10.3.0')
    expect(base).toContain('sm8.7')
    expect(key({ hash: 'b'.repeat(64) }, orin)).not.toBe(base)
    expect(key(model, { ...orin, tensorRtVersion: '10.7.0' })).not.toBe(base)
    expect(
      key(model, { ...orin, gpu: { name: 'NVIDIA Jetson Orin NX', driver: null, computeCapability: '8.7' } }),
    ).not.toBe(base)
    expect(key(model, orin)).toBe(base)
    expect(engineCacheFor(cacheDir, model, orin).dir).toBe(join(cacheDir, 'tensorrt', base))
  })
})

describe('engineBuildAhead', () => {
  it('is the TensorRT cache when TensorRT comes first and has no engine yet', () => {
    const plan = planProviders(order, orin, { cacheDir, model })
    expect(engineBuildAhead(plan, () => false)?.dir).toBe(plan.choices[0]?.engineCache?.dir)
    expect(engineBuildAhead(plan, () => true)).toBeNull()
    expect(engineBuildAhead(planProviders(['cuda', 'tensorrt'], orin, { cacheDir, model }), () => false)).toBeNull()
  })
})
