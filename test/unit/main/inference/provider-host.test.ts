/** Host facts from files: provider libraries, the patched binding's marker, TensorRT version, GPU. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  bindingDir,
  bindingForwardsTensorRtOptions,
  findTensorRtVersion,
  jetsonGpu,
  missingProviderLibrary,
  parseNvidiaSmi,
  tensorRtOptionsMarker,
  tensorRtVersionIn,
} from '../../../../src-main/services/inference/provider-host'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dve-host-'))
  dirs.push(dir)
  return dir
}

describe('provider libraries next to the binding', () => {
  it('names every missing library, and none once they are there', () => {
    const dir = tempDir()
    expect(missingProviderLibrary('tensorrt', dir, 'linux')).toBe(
      `not installed (libonnxruntime_providers_shared.so, libonnxruntime_providers_tensorrt.so missing from ${dir})`,
    )
    writeFileSync(join(dir, 'libonnxruntime_providers_shared.so'), '')
    writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '')
    expect(missingProviderLibrary('cuda', dir, 'linux')).toBeNull()
    expect(missingProviderLibrary('tensorrt', dir, 'linux')).toMatch(/libonnxruntime_providers_tensorrt\.so missing/)
    expect(missingProviderLibrary('cuda', dir, 'darwin')).toBe('no cuda provider for darwin')
  })

  it('the published x64 binding installed offline has none of them (ONNXRUNTIME_NODE_INSTALL=skip) and does not forward TensorRT options', () => {
    const dir = bindingDir('linux', 'x64')
    expect(missingProviderLibrary('cuda', dir, 'linux')).toMatch(/libonnxruntime_providers_shared\.so/)
    expect(bindingForwardsTensorRtOptions(dir)).toBe(false)
  })

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'the published x64 binding has CUDA and TensorRT compiled in but not bundled',
    async () => {
      const ort = await import('onnxruntime-node')
      const backends = Object.fromEntries(ort.listSupportedBackends().map((b) => [b.name, b.bundled]))
      expect(backends).toMatchObject({ cpu: true, cuda: false, tensorrt: false })
    },
  )

  it('recognises the patched binding by its marker', () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'onnxruntime_binding.node'),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`${tensorRtOptionsMarker} '`), Buffer.from([0])]),
    )
    expect(bindingForwardsTensorRtOptions(dir)).toBe(true)
  })
})

describe('TensorRT version', () => {
  it('comes from the fullest libnvinfer file name', () => {
    expect(
      tensorRtVersionIn(['libnvinfer.so', 'libnvinfer.so.10', 'libnvinfer.so.10.3.0', 'libnvinfer_plugin.so.10.3.0']),
    ).toBe('10.3.0')
    expect(tensorRtVersionIn(['libcudart.so.12'])).toBeNull()
    const dir = tempDir()
    writeFileSync(join(dir, 'libnvinfer.so.8.6.2'), '')
    expect(findTensorRtVersion([join(dir, 'absent'), dir])).toBe('8.6.2')
  })
})

describe('GPU', () => {
  it('parses nvidia-smi csv', () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 570.124.06, 9.0\n')).toEqual({
      name: 'NVIDIA H100 80GB HBM3',
      driver: '570.124.06',
      computeCapability: '9.0',
    })
    expect(parseNvidiaSmi('Orin (nvgpu), N/A, [N/A]\n')).toEqual({
      name: 'Orin (nvgpu)',
      driver: 'N/A',
      computeCapability: null,
    })
    expect(parseNvidiaSmi('')).toBeNull()
  })

  it('knows a Jetson Orin by its device-tree model and L4T release', () => {
    const release =
      '# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025\n'
    expect(jetsonGpu('NVIDIA Jetson AGX Orin Developer Kit\0', release)).toEqual({
      name: 'NVIDIA Jetson AGX Orin Developer Kit',
      driver: 'L4T R36.4.3',
      computeCapability: '8.7',
    })
    expect(jetsonGpu('Raspberry Pi 5 Model B\0', null)).toBeNull()
  })
})
