/**
 * The compact cache tier at work (`frame-codes.ts` has the maths): per model, the frame basis is
 * fitted on the first frames (which are cached as fp16), kept at
 * `<cache>/embeddings/<modelId>/frame-basis.bin`; from then on frames run through the model with
 * the normalising input prefix in front of its graph and the encoder appended (`image-codes-<k>.onnx`
 * beside it, loaded on the pack's providers) and are cached as codes: uint8 colour and uint16 depth
 * go in, int8 codes come out. Reads decode codes with one MatMul session in the worker, so
 * Ask, segmentation and the map get the same normalised float map as from an fp16 entry.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../../platform/atomic-write'
import type { LoadedFrame } from '../ports'
import type { CachedMap } from './embedding-cache'
import {
  codesNames,
  decodeBasis,
  decodeGraphBytes,
  defaultComponents,
  encodeBasis,
  fitFrameBasis,
  modelWithCodes,
  unitCodeRows,
  type FrameBasis,
} from './frame-codes'
import { graphFeeds, modelWithInputPrefix } from './input-graph'
import { poolFactor } from './output-graph'
import type { LoadedPack } from './pack-loader'
import { cpuChoice } from './provider-options'
import type { InferenceWorkerClient, Priority } from './worker-client'
import type { EmbedTimings, TensorData } from './worker-protocol'

export type CacheTier = 'fp16' | 'codes'

export interface CompactTierDeps {
  /** The console's cache folder (entries live under `embeddings/`). */
  cacheDir: string
  client: InferenceWorkerClient
  /** Loads a derived ONNX (the model with its encoder) on the pack's providers. */
  loadOnProviders(sessionKey: string, onnxPath: string): Promise<void>
  components?: number
  /** Frames whose maps the basis is fitted on. */
  framesToFit?: number
}

interface ModelState {
  basis: Promise<FrameBasis | null>
  samples: Float32Array[]
  encoder: Promise<string> | null
  decoder: Promise<string> | null
}

/** A frame's inputs for the model with its input prefix (`input-graph.ts`). */
export type NetworkFeeds = Record<string, TensorData>

export class CompactTier {
  private readonly states = new Map<string, ModelState>()
  private readonly components: number
  private readonly framesToFit: number

  constructor(private readonly deps: CompactTierDeps) {
    this.components = deps.components ?? defaultComponents
    this.framesToFit = deps.framesToFit ?? 4
  }

  private dir(modelId: string): string {
    return join(this.deps.cacheDir, 'embeddings', modelId)
  }

  private state(modelId: string): ModelState {
    let state = this.states.get(modelId)
    if (!state) {
      const file = join(this.dir(modelId), 'frame-basis.bin')
      const basis = readFile(file).then(
        (bytes) => {
          const decoded = decodeBasis(bytes)
          return typeof decoded === 'string' || decoded.components !== this.components ? null : decoded
        },
        () => null,
      )
      state = { basis, samples: [], encoder: null, decoder: null }
      this.states.set(modelId, state)
    }
    return state
  }

  /** The model's basis once fitted, else null (the frame then goes the fp16 way and is observed). */
  basis(modelId: string): Promise<FrameBasis | null> {
    return this.state(modelId).basis
  }

  /** An fp16 frame's normalised map; after `framesToFit` of them the basis is fitted and saved. */
  async observe(pack: LoadedPack, map: Float32Array): Promise<void> {
    const state = this.state(pack.modelId)
    if (await state.basis) return
    state.samples.push(map)
    if (state.samples.length < this.framesToFit) return
    const dim = pack.manifest.image.embeddingDim
    const basis = fitFrameBasis(
      state.samples.map((data) => ({ data })),
      dim,
      Math.min(this.components, dim),
    )
    state.samples = []
    await writeFileAtomic(join(this.dir(pack.modelId), 'frame-basis.bin'), encodeBasis(basis))
    state.basis = Promise.resolve(basis)
  }

  /** Runs the model with its prefix and encoder on a frame: the resized frame goes in, codes come out. */
  async encode(
    pack: LoadedPack,
    frame: LoadedFrame,
    basis: FrameBasis,
    priority: Priority,
    signal?: AbortSignal,
    prepared?: NetworkFeeds,
  ): Promise<{ map: CachedMap; timings: EmbedTimings }> {
    const state = this.state(pack.modelId)
    const image = pack.manifest.image
    const [, , outHeight, outWidth] = pack.imageOutputDims as [number, number, number, number]
    const factor = poolFactor(outWidth, pack.imageSpec.maxMapWidth)
    state.encoder ??= this.writeAndLoad(
      pack,
      `codes:${pack.modelId}`,
      `image-codes-${basis.components}.onnx`,
      async () =>
        modelWithCodes(
          modelWithInputPrefix(await readFile(join(pack.entry.dir, image.onnx)), image),
          basis,
          image.output,
          factor,
        ),
    )
    const sessionKey = await state.encoder.catch((error: unknown) => {
      state.encoder = null // tried again on the next frame
      throw error
    })
    const t0 = performance.now()
    const feeds = prepared ?? graphFeeds(image, frame)
    const t1 = performance.now()
    const response = await this.deps.client.request(
      { kind: 'run', sessionKey, feeds, fetches: [codesNames.codes] },
      priority,
      signal,
    )
    const t2 = performance.now()
    const codes = response.outputs[codesNames.codes]?.data as Int8Array
    const map: CachedMap = {
      dim: image.embeddingDim,
      width: Math.floor(outWidth / factor),
      height: Math.floor(outHeight / factor),
      cameraWidth: frame.camera.width,
      cameraHeight: frame.camera.height,
      codes,
      components: basis.components,
    }
    // The model and its encoder are one run here: post-processing is inside `runMs`.
    return { map, timings: { preprocessMs: t1 - t0, runMs: response.runMs, postMs: performance.now() - t2 } }
  }

  /** A codes entry → the normalised HWC float map. */
  async decode(modelId: string, map: Extract<CachedMap, { codes: Int8Array }>): Promise<Float32Array> {
    const basis = await this.basis(modelId)
    if (!basis || basis.components !== map.components || basis.dim !== map.dim) {
      throw new Error(`the frame basis of model ${modelId} is missing or does not match its cache entries`)
    }
    const state = this.state(modelId)
    state.decoder ??= this.writeAndLoad(
      null,
      `decode:${modelId}`,
      `decode-${basis.components}.onnx`,
      async () => decodeGraphBytes(basis),
      modelId,
    )
    const sessionKey = await state.decoder.catch((error: unknown) => {
      state.decoder = null
      throw error
    })
    const pixels = map.width * map.height
    const feeds = {
      [codesNames.codesIn]: {
        type: 'float32' as const,
        dims: [pixels, map.components],
        data: unitCodeRows(map.codes, map.components),
      },
    }
    const response = await this.deps.client.request(
      { kind: 'run', sessionKey, feeds, fetches: [codesNames.map] },
      'interactive',
    )
    return response.outputs[codesNames.map]?.data as Float32Array
  }

  private async writeAndLoad(
    pack: LoadedPack | null,
    sessionKey: string,
    fileName: string,
    bytes: () => Promise<Uint8Array>,
    modelId = pack?.modelId as string,
  ): Promise<string> {
    const path = join(this.dir(modelId), fileName)
    await writeFileAtomic(path, await bytes())
    // The model with its input prefix and encoder runs on the pack's providers (on a GPU, the inputs are
    // normalised and the codes made there; on the CPU provider that is CPU time); the decoder is one small MatMul.
    if (pack) await this.deps.loadOnProviders(sessionKey, path)
    else await this.deps.client.load(sessionKey, path, [cpuChoice])
    return sessionKey
  }
}
