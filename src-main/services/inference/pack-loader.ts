/**
 * Loads a validated pack into the worker and checks the manifest against the graphs: input/output
 * names, ranks and channel counts from the declared metadata, and the embedding dims and output
 * stride from a first run (the released DVEFormer declares wrong output dims, facts doc §1.2).
 */
import { basename, dirname, join } from 'node:path'
import { ConsoleError, type ModelManifest } from '../../contract'
import { modelIdOf, type PackEntry } from './pack-catalog'
import { TextTower } from './text-tower'
import type { ProviderPlan } from './provider-options'
import type { InferenceWorkerClient } from './worker-client'
import type { EmbedImageSpec, ProviderFallback, ValueInfo } from './worker-protocol'

export interface LoadedPack {
  entry: PackEntry
  manifest: ModelManifest
  /** Cache key: pack id + fingerprint of its files. */
  modelId: string
  imageKey: string
  imageSpec: EmbedImageSpec
  provider: string
  fallbacks: ProviderFallback[]
  imageOutputDims: number[]
  text: TextTower | null
}

export interface LoadOptions {
  /** The providers to try, with their options, for one ONNX file. */
  planProviders(onnxPath: string): Promise<ProviderPlan>
  /** Runs a session load that may first build a TensorRT engine (a job then). */
  withEngineBuild<T>(plan: ProviderPlan, what: string, load: () => Promise<T>): Promise<T>
  maxMapWidth: number
}

export async function loadPack(
  entry: PackEntry,
  client: InferenceWorkerClient,
  options: LoadOptions,
): Promise<LoadedPack> {
  const manifest = entry.manifest
  const manifestFile = join(entry.dir, 'model.json')
  if (!manifest || entry.errors.length)
    throw new ConsoleError('bad_file', entry.errors.join('\n') || `${manifestFile}: no manifest.`)
  const image = manifest.image
  const imagePath = join(entry.dir, image.onnx)
  const imageKey = `image:${entry.id}`
  const loaded = await loadSession(client, imageKey, imagePath, options)
  const errors = checkImageGraph(manifestFile, manifest, loaded.inputs, loaded.outputs)
  if (errors.length) return fail(client, [imageKey], errors)

  const imageSpec: EmbedImageSpec = {
    inputs: image.inputs,
    output: image.output,
    preprocess: image,
    maxMapWidth: options.maxMapWidth,
  }
  let imageOutputDims: number[]
  try {
    imageOutputDims = (
      await client.request(
        {
          kind: 'embedImage',
          sessionKey: imageKey,
          spec: imageSpec,
          mapKey: `probe:${entry.id}`,
          ...probeFrame(image.inputSize),
        },
        'interactive',
      )
    ).outputDims
  } catch (error) {
    return fail(
      client,
      [imageKey],
      [`${imagePath}: a first run on a blank frame failed: ${error instanceof Error ? error.message : String(error)}`],
    )
  }
  errors.push(...checkImageOutput(manifestFile, manifest, imageOutputDims))

  let text: TextTower | null = null
  const textKey = `text:${entry.id}`
  if (manifest.text && !errors.length) {
    const textPath = join(entry.dir, manifest.text.onnx)
    try {
      text = await TextTower.open(entry.dir, manifest.text, textKey)
      const textSession = await loadSession(client, textKey, textPath, options)
      errors.push(...checkTextGraph(manifestFile, manifest, textSession.inputs, textSession.outputs))
      if (!errors.length) {
        const dims = await text.outputDims(client)
        if (dims.length !== 2 || dims[1] !== image.embeddingDim) {
          errors.push(
            `${manifestFile}: text.output gives dims [${dims.join(', ')}] but image.embeddingDim is ${image.embeddingDim}; [1, ${image.embeddingDim}] expected.`,
          )
        }
      }
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  if (errors.length) return fail(client, [imageKey, textKey], errors)
  return {
    entry,
    manifest,
    modelId: modelIdOf(entry),
    imageKey,
    imageSpec,
    provider: loaded.provider,
    fallbacks: loaded.fallbacks,
    imageOutputDims,
    text,
  }
}

/** One ONNX file loaded as `key` on the planned providers (a TensorRT engine build first runs as a job). */
export async function loadSession(client: InferenceWorkerClient, key: string, path: string, options: LoadOptions) {
  const plan = await options.planProviders(path)
  const skipped = plan.skipped.map((f) => `${f.provider}: ${f.reason}`).join('; ')
  if (!plan.choices.length)
    throw new ConsoleError('model_error', `${path}: no execution provider is usable here (${skipped}).`)
  try {
    const loaded = await options.withEngineBuild(plan, `${basename(dirname(path))}/${basename(path)}`, () =>
      client.load(key, path, plan.choices),
    )
    return { ...loaded, fallbacks: [...plan.skipped, ...loaded.fallbacks] }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConsoleError(
      'model_error',
      `${path}: the ONNX model does not load: ${reason}${skipped ? ` (skipped before: ${skipped})` : ''}`,
    )
  }
}

async function fail(client: InferenceWorkerClient, keys: string[], errors: string[]): Promise<never> {
  for (const key of keys) await client.unload(key)
  throw new ConsoleError('bad_file', errors.join('\n'))
}

/** A mid-grey frame at 2 m, already at the network size. */
function probeFrame(size: { width: number; height: number }) {
  const pixels = size.width * size.height
  return {
    rgb: { width: size.width, height: size.height, data: new Uint8Array(pixels * 3).fill(128) },
    depthMeters: { width: size.width, height: size.height, data: new Float32Array(pixels).fill(2) },
  }
}

function dimMismatch(declared: number | string | undefined, expected: number): boolean {
  return typeof declared === 'number' && declared > 0 && declared !== expected
}

export function checkImageGraph(
  file: string,
  manifest: ModelManifest,
  inputs: ValueInfo[],
  outputs: ValueInfo[],
): string[] {
  const image = manifest.image
  const errors: string[] = []
  const wanted =
    'rgbd' in image.inputs
      ? [{ field: 'image.inputs.rgbd', name: image.inputs.rgbd, channels: 4 }]
      : [
          { field: 'image.inputs.rgb', name: image.inputs.rgb, channels: 3 },
          { field: 'image.inputs.depth', name: image.inputs.depth, channels: 1 },
        ]
  for (const want of wanted) {
    const input = inputs.find((i) => i.name === want.name)
    if (!input) {
      errors.push(
        `${file}: ${want.field} is "${want.name}" but the graph's inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}.`,
      )
      continue
    }
    if (input.type !== 'float32')
      errors.push(`${file}: ${want.field} "${want.name}" is ${input.type} in the graph; float32 expected.`)
    if (input.shape.length && input.shape.length !== 4)
      errors.push(
        `${file}: ${want.field} "${want.name}" has rank ${input.shape.length} in the graph; 4 (NCHW) expected.`,
      )
    if (dimMismatch(input.shape[1], want.channels))
      errors.push(
        `${file}: ${want.field} "${want.name}" has ${input.shape[1]} channels in the graph; ${want.channels} expected.`,
      )
    if (dimMismatch(input.shape[2], image.inputSize.height))
      errors.push(
        `${file}: image.inputSize.height is ${image.inputSize.height} but the graph's "${want.name}" has height ${input.shape[2]}.`,
      )
    if (dimMismatch(input.shape[3], image.inputSize.width))
      errors.push(
        `${file}: image.inputSize.width is ${image.inputSize.width} but the graph's "${want.name}" has width ${input.shape[3]}.`,
      )
  }
  if (!outputs.some((o) => o.name === image.output)) {
    errors.push(
      `${file}: image.output is "${image.output}" but the graph's outputs are ${outputs.map((o) => `"${o.name}"`).join(', ')}.`,
    )
  }
  return errors
}

/** Declared output dims are not trusted; these are the dims of a real run. */
export function checkImageOutput(file: string, manifest: ModelManifest, dims: number[]): string[] {
  const image = manifest.image
  const [, dim, height, width] = dims
  const errors: string[] = []
  if (dims.length !== 4) return [`${file}: image.output gives dims [${dims.join(', ')}]; [1, D, h, w] expected.`]
  if (dim !== image.embeddingDim)
    errors.push(`${file}: image.embeddingDim is ${image.embeddingDim} but the model outputs ${dim} channels.`)
  const expectedHeight = Math.floor(image.inputSize.height / image.outputStride)
  const expectedWidth = Math.floor(image.inputSize.width / image.outputStride)
  if (height !== expectedHeight || width !== expectedWidth) {
    errors.push(
      `${file}: image.outputStride ${image.outputStride} means a ${expectedWidth}×${expectedHeight} output but the model gives ${width}×${height}.`,
    )
  }
  return errors
}

export function checkTextGraph(
  file: string,
  manifest: ModelManifest,
  inputs: ValueInfo[],
  outputs: ValueInfo[],
): string[] {
  const text = manifest.text
  if (!text) return []
  const errors: string[] = []
  const wanted = [{ field: 'text.inputs.inputIds', name: text.inputs.inputIds }]
  if (text.inputs.attentionMask) wanted.push({ field: 'text.inputs.attentionMask', name: text.inputs.attentionMask })
  for (const want of wanted) {
    const input = inputs.find((i) => i.name === want.name)
    if (!input) {
      errors.push(
        `${file}: ${want.field} is "${want.name}" but the text graph's inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}.`,
      )
      continue
    }
    if (input.shape.length && input.shape.length !== 2)
      errors.push(`${file}: ${want.field} "${want.name}" has rank ${input.shape.length}; 2 ([1, L]) expected.`)
    if (dimMismatch(input.shape[1], text.contextLength))
      errors.push(
        `${file}: text.contextLength is ${text.contextLength} but the graph's "${want.name}" has length ${input.shape[1]}.`,
      )
  }
  if (!outputs.some((o) => o.name === text.output)) {
    errors.push(
      `${file}: text.output is "${text.output}" but the text graph's outputs are ${outputs.map((o) => `"${o.name}"`).join(', ')}.`,
    )
  }
  return errors
}
