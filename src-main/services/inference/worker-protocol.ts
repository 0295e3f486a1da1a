/**
 * Messages between the inference service and the native-work process. Every request carries a `seq`;
 * the process answers each with exactly one response of the same `seq` (a probe training also sends
 * `probeEpoch` progress first). `cancel` names a training's seq and gets no answer of its own. Messages
 * are structured-cloned: typed arrays arrive intact, as copies.
 */
import type { ErrorCode } from '../../contract'
import type { ProbeTrainingData, ProbeTrainingOptions, ProbeTrainingResult } from '../classes/probe-trainer'
import type { DepthImageMeters, RgbImage } from '../ports'
import type { PreprocessSpec } from './preprocess'
import type { ProviderChoice } from './provider-options'

export interface TensorData {
  /** int8: outputs only (frame codes); uint8 and uint16: inputs only (frames for the input prefix). */
  type: 'float32' | 'int64' | 'int8' | 'uint8' | 'uint16'
  dims: number[]
  data: Float32Array | BigInt64Array | Int8Array | Uint8Array | Uint16Array
}

export interface ValueInfo {
  name: string
  type: string
  /** Declared dims: numbers, symbolic names, or [] when unknown. */
  shape: Array<number | string>
}

/**
 * An L2-normalised HWC map as the worker keeps it for scoring: the fp16 values the cache holds where
 * there are some (the heads cast them in the graph), float32 otherwise (a compact-tier map decoded).
 */
export type EmbeddingMapData = { dim: number; width: number; height: number } & (
  { halves: Uint16Array } | { data: Float32Array }
)

export interface EmbedImageSpec {
  inputs: { rgb: string; depth: string } | { rgbd: string }
  output: string
  preprocess: PreprocessSpec
  /** Maps wider than this are average-pooled by an integer factor (stride-1 models). */
  maxMapWidth: number
}

/** A provider passed over: not installed here (never tried) or failed when ORT tried it. */
export interface ProviderFallback {
  provider: string
  reason: string
  attempted: boolean
}

export type WorkerRequest =
  | { kind: 'load'; seq: number; sessionKey: string; onnxPath: string; providers: ProviderChoice[] }
  | { kind: 'unload'; seq: number; sessionKey: string }
  | {
      kind: 'run'
      seq: number
      sessionKey: string
      feeds: Record<string, TensorData>
      fetches: string[]
      /** Return only the output dims (benchmarks: no output copy back). */
      discardOutputs?: boolean
    }
  | {
      kind: 'embedImage'
      seq: number
      sessionKey: string
      spec: EmbedImageSpec
      rgb: RgbImage
      depthMeters: DepthImageMeters
      /** Keep the result resident under this key for later `score`/`pca` requests. */
      mapKey: string
    }
  | {
      kind: 'score'
      seq: number
      mapKey: string
      map: EmbeddingMapData | null
      vectors: Float32Array
      count: number
      bias: Float32Array | null
    }
  | {
      kind: 'classify'
      seq: number
      mapKey: string
      map: EmbeddingMapData | null
      vectors: Float32Array
      count: number
      bias: Float32Array | null
    }
  | { kind: 'pca'; seq: number; mapKey: string; map: EmbeddingMapData | null }
  | { kind: 'trainProbe'; seq: number; data: ProbeTrainingData; options: ProbeTrainingOptions }
  | { kind: 'cancel'; seq: number }

/** The requests the client sends one at a time, in its queue. */
export type ModelRequest = Exclude<WorkerRequest, { kind: 'trainProbe' | 'cancel' }>

export type WorkerRequestKind = WorkerRequest['kind']

export interface EmbedTimings {
  preprocessMs: number
  runMs: number
  postMs: number
}

export type WorkerResponse =
  | {
      kind: 'loaded'
      seq: number
      provider: string
      fallbacks: ProviderFallback[]
      inputs: ValueInfo[]
      outputs: ValueInfo[]
    }
  | { kind: 'done'; seq: number }
  | { kind: 'outputs'; seq: number; outputs: Record<string, TensorData>; runMs: number }
  | {
      kind: 'embedding'
      seq: number
      dim: number
      width: number
      height: number
      /** Normalised map as fp16 bits (what the cache stores). */
      halves: Uint16Array
      /** The model's real output dims from this run. */
      outputDims: number[]
      timings: EmbedTimings
    }
  | { kind: 'scores'; seq: number; scores: Float32Array }
  | { kind: 'classes'; seq: number; classIndex: Uint16Array; bestScore: Float32Array }
  | { kind: 'pca'; seq: number; width: number; height: number; rgb: Uint8Array }
  | { kind: 'probeTrained'; seq: number; result: ProbeTrainingResult }
  | { kind: 'error'; seq: number; code: ErrorCode; message: string; missingMap: boolean }

/** Progress of a probe training, before its response. */
export interface WorkerProgress {
  kind: 'probeEpoch'
  seq: number
  epoch: number
  loss: number
}

/** Queued requests without their `seq` (the client numbers them). */
export type WorkerCall = ModelRequest extends infer R ? (R extends ModelRequest ? Omit<R, 'seq'> : never) : never

/** The response kind each request gets on success. */
export interface ResponseFor {
  load: Extract<WorkerResponse, { kind: 'loaded' }>
  unload: Extract<WorkerResponse, { kind: 'done' }>
  run: Extract<WorkerResponse, { kind: 'outputs' }>
  embedImage: Extract<WorkerResponse, { kind: 'embedding' }>
  score: Extract<WorkerResponse, { kind: 'scores' }>
  classify: Extract<WorkerResponse, { kind: 'classes' }>
  pca: Extract<WorkerResponse, { kind: 'pca' }>
}
