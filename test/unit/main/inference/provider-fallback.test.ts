/**
 * The real failure path of a missing provider library: the published x64 onnxruntime-node 1.30.0,
 * installed with ONNXRUNTIME_NODE_INSTALL=skip, has no libonnxruntime_providers_*.so, so ORT itself
 * fails TensorRT and CUDA ("Failed to load shared library"). A host that claims the libraries are
 * there makes the worker try them for real; the session ends on the CPU with each reason recorded.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { JobInfo } from '../../../../src-main/contract'
import type { ProviderHost } from '../../../../src-main/services/inference/provider-options'
import { FakeFrames, makeHarness, type Harness } from './inference-test-kit'

let harness: Harness | null = null
afterEach(async () => {
  await harness?.dispose()
  harness = null
})

const claimsEverything: ProviderHost = {
  unavailable: {},
  forwardsTensorRtOptions: true,
  tensorRtVersion: '10.3.0',
  gpu: { name: 'NVIDIA Jetson AGX Orin', driver: null, computeCapability: '8.7' },
}

describe('provider fallback', () => {
  it('tries TensorRT (with its options) and CUDA, records why each failed, and runs on the CPU', async () => {
    harness = makeHarness({ demo: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]), {
      providerHost: () => claimsEverything,
    })
    const { models } = harness.inference
    await models.activate({ id: 'demo' })
    const status = await models.providers()
    expect(status.active).toBe('cpu')
    expect(status.fallbacks).toHaveLength(2)
    expect(status.fallbacks[0]).toMatch(/^tensorrt: .*Failed to load shared library/)
    expect(status.fallbacks[1]).toMatch(/^cuda: .*Failed to load shared library/)
    // No engine in the cache yet, so the load ran as the engine-build job (which then fell back).
    const build = (await harness.jobs.list()).filter((j: JobInfo) => j.kind === 'engine-build')
    expect(build.map((j) => j.title).sort()).toEqual([
      'Building the TensorRT engine for demo/image.onnx, once per model and GPU',
      'Building the TensorRT engine for demo/text.onnx, once per model and GPU',
    ])
    expect(build.every((j) => j.state === 'done')).toBe(true)
  })

  it('with the libraries reported missing, skips TensorRT and CUDA without trying them', async () => {
    const missing: ProviderHost = {
      ...claimsEverything,
      unavailable: { tensorrt: 'not installed (x missing)', cuda: 'not installed (y missing)' },
    }
    harness = makeHarness({ demo: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]), { providerHost: () => missing })
    await harness.inference.models.activate({ id: 'demo' })
    const status = await harness.inference.models.providers()
    expect(status).toMatchObject({
      active: 'cpu',
      fallbacks: ['tensorrt: not installed (x missing)', 'cuda: not installed (y missing)'],
    })
  })

  it('fails with every reason when no provider is usable', async () => {
    const none: ProviderHost = {
      ...claimsEverything,
      unavailable: { tensorrt: 'not installed (x missing)', cuda: 'not installed (y missing)' },
    }
    harness = makeHarness({ demo: 'tiny' }, new FakeFrames([{ depthMeters: 1.5 }]), { providerHost: () => none })
    await harness.inference.models.setProviderOrder({ order: ['tensorrt', 'cuda'] })
    await expect(harness.inference.models.activate({ id: 'demo' })).rejects.toThrow(
      /no execution provider is usable here \(tensorrt: not installed \(x missing\); cuda: not installed \(y missing\)\)/,
    )
  })
})
