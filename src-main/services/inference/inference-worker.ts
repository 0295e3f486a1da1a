/**
 * The native-work process (a utilityProcess in Electron, a forked child in Node): owns every
 * onnxruntime session (several threads loading onnxruntime-node crash), preprocesses frames, runs the
 * image model, turns its output into the normalised map the console keeps, scores maps with the Gemm
 * head, and trains linear probes. Model requests arrive one at a time (the client queues and cancels);
 * a probe training runs beside them, interleaved between its batches, and stops on `cancel` between
 * batches: nothing here is interrupted in the middle of a native call. Session creation lives in
 * ort-sessions.ts.
 */
import { performance } from 'node:perf_hooks'
import * as ort from 'onnxruntime-node'
import { ConsoleError } from '../../contract'
import { decodeHalf } from '../float16'
import { allowHeapGrowthForFrameStreams } from '../../platform/heap-growth'
import { parentChannel } from '../../platform/native-process'
import { OrtProbeMath } from '../classes/ort-probe-math'
import { trainProbe } from '../classes/probe-trainer'
import { createGraphSession, createModelSession } from './ort-sessions'
import { outputGraphBytes, outputGraphNames, poolFactor } from './output-graph'
import { pcaAxes, projectionsToRgb } from './pca-projection'
import { floatFeeds, preprocessFrame } from './preprocess'
import { classGraphBytes, headNames, scoreGraphBytes, type EmbeddingsElement } from './score-graph'
import type {
  EmbeddingMapData,
  ModelRequest,
  TensorData,
  ValueInfo,
  WorkerProgress,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol'

/** Requests being served; the process exits only once they have settled (see parentChannel). */
allowHeapGrowthForFrameStreams()
const inFlight = new Set<Promise<unknown>>()
const parent = parentChannel(() => {
  for (const training of trainings.values()) training.abort()
  return Promise.allSettled([...inFlight])
})

const sessions = new Map<string, ort.InferenceSession>()
/** The heads' sessions by how the map's values are stored. */
const scoreSessions: Partial<Record<EmbeddingsElement, Promise<ort.InferenceSession>>> = {}
const classSessions: Partial<Record<EmbeddingsElement, Promise<ort.InferenceSession>>> = {}
/** Output layout sessions by pooling factor. */
const layoutSessions: Record<number, Promise<ort.InferenceSession>> = {}
let probeMath: Promise<OrtProbeMath> | null = null

/** Recently used maps, so interactive scoring does not copy the map into the worker every time. */
const residentMaps = new Map<string, EmbeddingMapData>()
const maxResidentMaps = 4

function remember(key: string, map: EmbeddingMapData): void {
  residentMaps.delete(key)
  residentMaps.set(key, map)
  while (residentMaps.size > maxResidentMaps) residentMaps.delete(residentMaps.keys().next().value as string)
}

function session(key: string): ort.InferenceSession {
  const found = sessions.get(key)
  if (!found) throw new ConsoleError('internal', `Inference worker has no session "${key}" loaded.`)
  return found
}

function valueInfos(metadata: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return metadata.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  )
}

function toTensor(data: TensorData): ort.Tensor {
  if (data.type === 'int64') return new ort.Tensor('int64', data.data as BigInt64Array, data.dims)
  if (data.type === 'int8') return new ort.Tensor('int8', data.data as Int8Array, data.dims)
  if (data.type === 'uint8') return new ort.Tensor('uint8', data.data as Uint8Array, data.dims)
  if (data.type === 'uint16') return new ort.Tensor('uint16', data.data as Uint16Array, data.dims)
  return new ort.Tensor('float32', data.data as Float32Array, data.dims)
}

function toTensors(feeds: Record<string, TensorData>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, data]) => [name, toTensor(data)]))
}

function fromTensor(tensor: ort.Tensor): TensorData {
  if (tensor.type === 'float32') return { type: 'float32', dims: [...tensor.dims], data: tensor.data as Float32Array }
  if (tensor.type === 'int64') return { type: 'int64', dims: [...tensor.dims], data: tensor.data as BigInt64Array }
  if (tensor.type === 'int8') return { type: 'int8', dims: [...tensor.dims], data: tensor.data as Int8Array }
  throw new ConsoleError(
    'model_error',
    `Output of type ${tensor.type} is not supported (float32, int64 or int8 expected).`,
  )
}

async function load(request: Extract<WorkerRequest, { kind: 'load' }>): Promise<WorkerResponse> {
  const { session: created, provider, fallbacks } = await createModelSession(request.onnxPath, request.providers)
  await sessions.get(request.sessionKey)?.release()
  sessions.set(request.sessionKey, created)
  return {
    kind: 'loaded',
    seq: request.seq,
    provider,
    fallbacks,
    inputs: valueInfos(created.inputMetadata),
    outputs: valueInfos(created.outputMetadata),
  }
}

async function embedImage(request: Extract<WorkerRequest, { kind: 'embedImage' }>): Promise<WorkerResponse> {
  const { spec } = request
  const t0 = performance.now()
  const feeds = toTensors(floatFeeds(spec.inputs, preprocessFrame(request.rgb, request.depthMeters, spec.preprocess)))
  const t1 = performance.now()
  const outputs = await session(request.sessionKey).run(feeds, [spec.output])
  const t2 = performance.now()
  const output = outputs[spec.output]
  if (!output) throw new ConsoleError('model_error', `The model returned no output "${spec.output}".`)
  const dims = [...output.dims]
  if (dims.length !== 4 || dims[0] !== 1)
    throw new ConsoleError(
      'model_error',
      `Output "${spec.output}" has dims [${dims.join(', ')}]; [1, D, h, w] expected.`,
    )
  const [, dim, , outWidth] = dims as [number, number, number, number]
  const factor = poolFactor(outWidth, spec.maxMapWidth)
  layoutSessions[factor] ??= createGraphSession(outputGraphBytes(factor))
  const laidOut = await (await layoutSessions[factor]).run({ [outputGraphNames.raw]: output })
  output.dispose()
  const halvesTensor = laidOut[outputGraphNames.halves] as ort.Tensor
  const [, height, width] = halvesTensor.dims as [number, number, number, number]
  // Node 20 has no Float16Array: onnxruntime-node hands fp16 data over as its raw bits.
  const halves = halvesTensor.data as Uint16Array
  remember(request.mapKey, { dim, width, height, halves })
  const t3 = performance.now()
  return {
    kind: 'embedding',
    seq: request.seq,
    dim,
    width,
    height,
    halves,
    outputDims: dims,
    timings: { preprocessMs: t1 - t0, runMs: t2 - t1, postMs: t3 - t2 },
  }
}

function residentMap(request: { mapKey: string; map: EmbeddingMapData | null }): EmbeddingMapData | null {
  if (request.map) remember(request.mapKey, request.map)
  return residentMaps.get(request.mapKey) ?? null
}

function elementOf(map: EmbeddingMapData): EmbeddingsElement {
  return 'halves' in map ? 'float16' : 'float32'
}

function headFeeds(
  map: EmbeddingMapData,
  vectors: Float32Array,
  count: number,
  bias: Float32Array | null,
): Record<string, ort.Tensor> {
  return {
    [headNames.queries]: new ort.Tensor('float32', vectors, [count, map.dim]),
    [headNames.embeddings]:
      'halves' in map
        ? new ort.Tensor('float16', map.halves, [map.width * map.height, map.dim])
        : new ort.Tensor('float32', map.data, [map.width * map.height, map.dim]),
    [headNames.bias]: new ort.Tensor('float32', bias ?? new Float32Array(count), [count, 1]),
  }
}

async function gemm(
  map: EmbeddingMapData,
  vectors: Float32Array,
  count: number,
  bias: Float32Array | null,
): Promise<Float32Array> {
  const element = elementOf(map)
  const session = (scoreSessions[element] ??= createGraphSession(scoreGraphBytes(element)))
  const result = await (await session).run(headFeeds(map, vectors, count, bias))
  return (result[headNames.scores] as ort.Tensor).data as Float32Array
}

async function classify(map: EmbeddingMapData, vectors: Float32Array, count: number, bias: Float32Array | null) {
  if (count > 65535) throw new ConsoleError('invalid_input', `${count} classes do not fit a 16-bit class map.`)
  const element = elementOf(map)
  const session = (classSessions[element] ??= createGraphSession(classGraphBytes(element)))
  const result = await (await session).run(headFeeds(map, vectors, count, bias))
  const indices = (result[headNames.classIndex] as ort.Tensor).data as BigInt64Array
  const classIndex = Uint16Array.from(indices, (i) => Number(i))
  return { classIndex, bestScore: (result[headNames.bestScore] as ort.Tensor).data as Float32Array }
}

async function handle(request: ModelRequest): Promise<WorkerResponse> {
  switch (request.kind) {
    case 'load':
      return load(request)
    case 'unload': {
      await sessions.get(request.sessionKey)?.release()
      sessions.delete(request.sessionKey)
      return { kind: 'done', seq: request.seq }
    }
    case 'run': {
      const feeds = toTensors(request.feeds)
      const start = performance.now()
      const outputs = await session(request.sessionKey).run(feeds, request.fetches)
      const runMs = performance.now() - start
      const converted = Object.fromEntries(
        Object.entries(outputs).map(([name, tensor]) => {
          const data = fromTensor(tensor)
          return [name, request.discardOutputs ? { ...data, data: new Float32Array(0) } : data]
        }),
      )
      return { kind: 'outputs', seq: request.seq, outputs: converted, runMs }
    }
    case 'embedImage':
      return embedImage(request)
    case 'score': {
      const map = residentMap(request)
      if (!map) return missingMap(request.seq)
      const scores = await gemm(map, request.vectors, request.count, request.bias)
      return { kind: 'scores', seq: request.seq, scores }
    }
    case 'classify': {
      const map = residentMap(request)
      if (!map) return missingMap(request.seq)
      const { classIndex, bestScore } = await classify(map, request.vectors, request.count, request.bias)
      return { kind: 'classes', seq: request.seq, classIndex, bestScore }
    }
    case 'pca': {
      const map = residentMap(request)
      if (!map) return missingMap(request.seq)
      // Rare (the PCA view): its sample reads float32 values, decoded here once.
      const { axes, bias } = pcaAxes('halves' in map ? { ...map, data: decodeHalf(map.halves) } : map)
      const rgb = projectionsToRgb(await gemm(map, axes, 3, bias), map.width * map.height)
      return { kind: 'pca', seq: request.seq, width: map.width, height: map.height, rgb }
    }
  }
}

function missingMap(seq: number): WorkerResponse {
  return {
    kind: 'error',
    seq,
    code: 'internal',
    message: 'embedding map is not resident in the worker',
    missingMap: true,
  }
}

/** Probe trainings running here, by request seq, so a `cancel` can stop one between batches. */
const trainings = new Map<number, AbortController>()

async function trainProbeHere(request: Extract<WorkerRequest, { kind: 'trainProbe' }>): Promise<WorkerResponse> {
  const controller = new AbortController()
  trainings.set(request.seq, controller)
  try {
    probeMath ??= OrtProbeMath.create()
    const onEpoch = (epoch: number, loss: number) =>
      parent.postMessage({ kind: 'probeEpoch', seq: request.seq, epoch, loss } satisfies WorkerProgress)
    const result = await trainProbe(request.data, request.options, await probeMath, onEpoch, controller.signal)
    return { kind: 'probeTrained', seq: request.seq, result }
  } finally {
    trainings.delete(request.seq)
  }
}

parent.onMessage((message) => {
  const request = message as WorkerRequest
  if (request.kind === 'cancel') {
    trainings.get(request.seq)?.abort()
    return
  }
  const served = (request.kind === 'trainProbe' ? trainProbeHere(request) : handle(request)).then(
    (response) => parent.postMessage(response),
    (error: unknown) => {
      const code = error instanceof ConsoleError ? error.code : 'model_error'
      const message = error instanceof Error ? error.message : String(error)
      parent.postMessage({ kind: 'error', seq: request.seq, code, message, missingMap: false } satisfies WorkerResponse)
    },
  )
  inFlight.add(served)
  void served.finally(() => inFlight.delete(served))
})
