/**
 * Facts about this machine's onnxruntime-node install and GPU that decide the providers
 * (`provider-options.ts`), found from files and `nvidia-smi` only: onnxruntime-node itself is loaded
 * by the inference worker alone (several threads loading it crash).
 * - CUDA and TensorRT are shared libraries next to the binding (`libonnxruntime_providers_*.so`, with
 *   `libonnxruntime_providers_shared.so`); they load from that folder, not from LD_LIBRARY_PATH.
 * - The patched binding (docs/JETSON.md) carries the marker string of its TensorRT option check.
 * - TensorRT's version is in libnvinfer's file name; the GPU from nvidia-smi, or the Jetson's device tree.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import type { ExecutionProviderName } from '../../contract'
import type { GpuInfo, ProviderHost } from './provider-options'

/** Text the binding patch adds (its error message for a non-string TensorRT option). */
export const tensorRtOptionsMarker = 'Invalid argument: TensorRT option'

/** The folder of onnxruntime_binding.node and libonnxruntime.so.1 for this platform. */
export function bindingDir(platform: string = process.platform, arch: string = process.arch): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node')
  return join(dirname(main), '..', 'bin', 'napi-v6', platform, arch)
}

const providerLibrary: Partial<Record<string, (name: string) => string>> = {
  linux: (name) => `libonnxruntime_providers_${name}.so`,
  win32: (name) => `onnxruntime_providers_${name}.dll`,
}

/** Why a GPU provider's libraries are not loadable from `dir`, or null when they are all there. */
export function missingProviderLibrary(
  provider: 'cuda' | 'tensorrt',
  dir: string,
  platform: string = process.platform,
): string | null {
  const name = providerLibrary[platform]
  if (!name) return `no ${provider} provider for ${platform}`
  const needed = [name('shared'), name(provider)]
  const missing = needed.filter((file) => !existsSync(join(dir, file)))
  return missing.length ? `not installed (${missing.join(', ')} missing from ${dir})` : null
}

export function bindingForwardsTensorRtOptions(dir: string): boolean {
  const binding = join(dir, 'onnxruntime_binding.node')
  return existsSync(binding) && readFileSync(binding).includes(tensorRtOptionsMarker)
}

/** Folders the dynamic loader searches for TensorRT on Linux (JetPack and the NVIDIA apt packages use the first two). */
function libraryDirs(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean)
  return [
    ...fromEnv,
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/local/cuda/lib64',
    '/usr/lib64',
    '/usr/local/lib',
  ]
}

/** "10.3.0" from libnvinfer.so.10.3.0: the longest version among the folders' files. */
export function tensorRtVersionIn(fileNames: readonly string[]): string | null {
  let best: string | null = null
  for (const file of fileNames) {
    const match = /^libnvinfer\.so\.(\d+(?:\.\d+)*)$/.exec(file)
    if (match && (!best || (match[1] as string).length > best.length)) best = match[1] as string
  }
  return best
}

export function findTensorRtVersion(dirs: readonly string[] = libraryDirs()): string | null {
  const files: string[] = []
  for (const dir of dirs) {
    try {
      files.push(...readdirSync(dir).filter((f) => f.startsWith('libnvinfer.so')))
    } catch {
      // a folder that does not exist holds no TensorRT
    }
  }
  return tensorRtVersionIn(files)
}

/** First GPU from `nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader`. */
export function parseNvidiaSmi(csv: string): GpuInfo | null {
  const line = csv.split('\n').find((l) => l.trim())
  if (!line) return null
  const [name, driver, capability] = line.split(',').map((s) => s.trim())
  if (!name) return null
  return {
    name,
    driver: driver || null,
    computeCapability: capability && /^\d+\.\d+$/.test(capability) ? capability : null,
  }
}

/** The Orin's GPU (sm 8.7) by the device-tree model; L4T release as the "driver". */
export function jetsonGpu(model: string, tegraRelease: string | null): GpuInfo | null {
  const name = model.replace(/\0/g, '').trim()
  if (!/jetson/i.test(name)) return null
  const release = tegraRelease ? /R(\d+)[^,]*,\s*REVISION:\s*([\d.]+)/.exec(tegraRelease) : null
  const capability = /orin/i.test(name) ? '8.7' : /xavier/i.test(name) ? '7.2' : null
  return { name, driver: release ? `L4T R${release[1]}.${release[2]}` : null, computeCapability: capability }
}

export function detectGpu(): GpuInfo | null {
  try {
    const csv = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,compute_cap', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const gpu = parseNvidiaSmi(csv)
    if (gpu) return gpu
  } catch {
    // no nvidia-smi (Jetsons before JetPack 6, machines without an NVIDIA driver)
  }
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : null)
  const model = read('/proc/device-tree/model')
  return model ? jetsonGpu(model, read('/etc/nv_tegra_release')) : null
}

export function probeProviderHost(dir: string = bindingDir()): ProviderHost {
  const unavailable: Partial<Record<ExecutionProviderName, string>> = {}
  for (const provider of ['cuda', 'tensorrt'] as const) {
    const missing = missingProviderLibrary(provider, dir)
    if (missing) unavailable[provider] = missing
  }
  return {
    unavailable,
    forwardsTensorRtOptions: bindingForwardsTensorRtOptions(dir),
    tensorRtVersion: findTensorRtVersion(),
    gpu: detectGpu(),
  }
}
