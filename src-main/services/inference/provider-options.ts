/**
 * The execution-provider settings a session is created with, as the authors run DVEFormer
 * (TensorRT, fp16): TensorRT with fp16, a persistent engine cache and timing cache under the data
 * folder and a workspace limit; CUDA next; CPU last. Pure: the host facts come in as data
 * (`provider-host.ts` probes them), so every provider and platform is unit-testable without a GPU.
 *
 * onnxruntime-node 1.30's binding passes only `deviceId` to CUDA and TensorRT and silently drops
 * every other key; TensorRT then ignores its ORT_TENSORRT_* variables too (field anchors §c1). So
 * the `trt_*` keys below reach TensorRT only through the binding patch that
 * `models/tools/jetson/build-onnxruntime.sh` applies; a binding without it would build an fp32
 * engine from scratch on every start (minutes), so TensorRT is skipped there with that reason.
 */
import { join } from 'node:path'
import type { ExecutionProviderName } from '../../contract'
import type { ProviderFallback } from './worker-protocol'

export interface GpuInfo {
  name: string
  driver: string | null
  /** "8.7" on a Jetson Orin; null when unknown. */
  computeCapability: string | null
}

/** What this machine and onnxruntime-node install offer; gathered without loading the binding. */
export interface ProviderHost {
  /** Per provider, why its library cannot load here (missing from the binding folder, not built in), or absent when it can be tried. */
  unavailable: Partial<Record<ExecutionProviderName, string>>
  /** The binding forwards `trt_*` keys to TensorRT (the patched build); the published one does not. */
  forwardsTensorRtOptions: boolean
  /** TensorRT runtime version (from libnvinfer's file name), null when not found. */
  tensorRtVersion: string | null
  gpu: GpuInfo | null
}

export interface ModelIdentity {
  /** sha256 of the ONNX file (hex). */
  hash: string
}

/** Where TensorRT keeps its engines for one model on one GPU and TensorRT version. */
export interface EngineCache {
  key: string
  dir: string
}

/** Keys as TensorRT's provider options name them (string values: UpdateTensorRTProviderOptions parses them). */
export interface TensorRtProviderConfig {
  name: 'tensorrt'
  deviceId: number
  trt_fp16_enable: string
  trt_engine_cache_enable: string
  trt_engine_cache_path: string
  trt_timing_cache_enable: string
  trt_timing_cache_path: string
  trt_max_workspace_size: string
}
export type CudaProviderConfig = { name: 'cuda'; deviceId: number }
export type ProviderConfig = TensorRtProviderConfig | CudaProviderConfig | { name: 'cpu' }

/** One provider to try, with the options ORT gets for it. */
export interface ProviderChoice {
  provider: ExecutionProviderName
  config: ProviderConfig
  /** TensorRT only: its engine cache. */
  engineCache: EngineCache | null
}

export interface ProviderPlan {
  /** In order; the worker creates the session with the first that works. */
  choices: ProviderChoice[]
  /** Passed over before any try, with the reason. */
  skipped: ProviderFallback[]
}

export interface PlanOptions {
  /** The console's cache folder; engines go to `<cache>/tensorrt/<key>/`. */
  cacheDir: string
  /** Needed for TensorRT's cache key; null when TensorRT is not in the order. */
  model: ModelIdentity | null
  /** TensorRT builder workspace limit. */
  workspaceBytes?: number
  deviceId?: number
}

/**
 * 2 GiB: enough for the tactics of a DVEFormer-sized network; a Jetson shares this memory with the
 * CPU, so the default (the whole GPU) would starve the console.
 */
export const defaultWorkspaceBytes = 2 * 2 ** 30

export function planProviders(
  order: readonly ExecutionProviderName[],
  host: ProviderHost,
  options: PlanOptions,
): ProviderPlan {
  const choices: ProviderChoice[] = []
  const skipped: ProviderFallback[] = []
  const deviceId = options.deviceId ?? 0
  for (const provider of order) {
    const unavailable = host.unavailable[provider]
    if (unavailable) {
      skipped.push({ provider, reason: unavailable, attempted: false })
      continue
    }
    if (provider === 'cpu') {
      choices.push({ provider, config: { name: 'cpu' }, engineCache: null })
    } else if (provider === 'cuda') {
      choices.push({ provider, config: { name: 'cuda', deviceId }, engineCache: null })
    } else {
      const reason = tensorRtUnusable(host, options.model)
      if (reason) {
        skipped.push({ provider, reason, attempted: false })
        continue
      }
      const engineCache = engineCacheFor(options.cacheDir, options.model as ModelIdentity, host)
      choices.push({
        provider,
        config: tensorRtConfig(engineCache, options.workspaceBytes ?? defaultWorkspaceBytes, deviceId),
        engineCache,
      })
    }
  }
  return { choices, skipped }
}

function tensorRtUnusable(host: ProviderHost, model: ModelIdentity | null): string | null {
  if (!host.forwardsTensorRtOptions) {
    return 'this onnxruntime-node binding drops TensorRT options (no fp16, no engine cache: it would rebuild an fp32 engine on every start); build the patched binding (docs/JETSON.md)'
  }
  if (!model) return 'no model hash for the engine cache key'
  return null
}

/** The key changes with the model, the TensorRT version and the GPU: an engine is valid for exactly that triple. */
export function engineCacheFor(
  cacheDir: string,
  model: ModelIdentity,
  host: Pick<ProviderHost, 'tensorRtVersion' | 'gpu'>,
): EngineCache {
  const gpu = host.gpu
    ? `${host.gpu.name}${host.gpu.computeCapability ? `-sm${host.gpu.computeCapability}` : ''}`
    : 'unknown-gpu'
  const key = [model.hash.slice(0, 16), `trt${host.tensorRtVersion ?? 'unknown'}`, gpu].map(slug).join('_')
  return { key, dir: join(cacheDir, 'tensorrt', key) }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** TensorRT provider options (string values, as UpdateTensorRTProviderOptions takes them). */
export function tensorRtConfig(cache: EngineCache, workspaceBytes: number, deviceId: number): TensorRtProviderConfig {
  return {
    name: 'tensorrt',
    deviceId,
    trt_fp16_enable: 'True',
    trt_engine_cache_enable: 'True',
    trt_engine_cache_path: cache.dir,
    trt_timing_cache_enable: 'True',
    trt_timing_cache_path: cache.dir,
    trt_max_workspace_size: String(workspaceBytes),
  }
}

/** The first engine build (minutes) happens when the first choice is TensorRT and its cache holds no engine yet. */
export function engineBuildAhead(plan: ProviderPlan, hasEngine: (cache: EngineCache) => boolean): EngineCache | null {
  const first = plan.choices[0]
  if (!first?.engineCache) return null
  return hasEngine(first.engineCache) ? null : first.engineCache
}

/** The CPU provider as a choice (it takes no options). */
export const cpuChoice: ProviderChoice = { provider: 'cpu', config: { name: 'cpu' }, engineCache: null }
